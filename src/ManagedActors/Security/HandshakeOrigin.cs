using Google.Protobuf;

namespace ManagedActors.Security;

/// <summary>
/// Reads the origin address out of Akka.Remote's Associate PDU (<c>AkkaProtocolMessage.instruction</c>, command 1,
/// <c>handshakeInfo.origin</c>: system, hostname, port), the address Akka binds the association to. The guard compares
/// it with the address the key exchange proved, so a peer cannot prove one address and associate as another.
/// </summary>
internal static class HandshakeOrigin
{
    private const int AssociateCommand = 1;

    /// <summary>The origin an Associate PDU claims; null for any other PDU.</summary>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a PDU.</exception>
    public static (string System, string Host, int Port)? Of(ByteString pdu)
    {
        if (Field(pdu, 2) is not { } instruction)
        {
            return null;
        }
        uint tag;
        var control = new CodedInputStream(instruction.ToByteArray());
        var (command, info) = (0, (ByteString?)null);
        while ((tag = control.ReadTag()) != 0)
        {
            if (tag == Tag(1, 0))
            {
                command = control.ReadEnum();
            }
            else if (tag == Tag(2, 2))
            {
                info = control.ReadBytes();
            }
            else
            {
                control.SkipLastField();
            }
        }
        if (command != AssociateCommand)
        {
            return null;
        }
        var origin = Field(info ?? ByteString.Empty, 1) ?? ByteString.Empty;
        var address = new CodedInputStream(origin.ToByteArray());
        var (system, host, port) = ("", "", 0);
        while ((tag = address.ReadTag()) != 0)
        {
            switch (tag)
            {
                case var t when t == Tag(1, 2): system = address.ReadString(); break;
                case var t when t == Tag(2, 2): host = address.ReadString(); break;
                case var t when t == Tag(3, 0): port = (int)address.ReadUInt32(); break;
                default: address.SkipLastField(); break;
            }
        }
        return (system, host, port);
    }

    private static ByteString? Field(ByteString message, int number)
    {
        var input = new CodedInputStream(message.ToByteArray());
        ByteString? found = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag == Tag(number, 2))
            {
                found = input.ReadBytes();
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }

    private static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);
}
