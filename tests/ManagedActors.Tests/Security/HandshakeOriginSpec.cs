using Google.Protobuf;
using ManagedActors.Security;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>
/// The guard reads the origin out of Akka's Associate PDU to hold it to the address the key exchange proved; the reading
/// is total: an Associate gives its origin, any other PDU nothing, and bytes that are not a PDU one typed exception.
/// </summary>
public sealed class HandshakeOriginSpec
{
    [Fact]
    public void An_associate_pdu_gives_the_origin_it_claims()
    {
        var pdu = Message((2, Message((1, 1), (2, Message((1, Message((1, "managed-actors-client"), (2, "127.0.0.1"), (3, 4711), (4, "akka.mauth.tcp"))), (2, 42UL))))));
        Assert.Equal(("managed-actors-client", "127.0.0.1", 4711), HandshakeOrigin.Of(pdu));
    }

    [Fact]
    public void Payloads_heartbeats_and_disassociations_give_none()
    {
        Assert.Null(HandshakeOrigin.Of(Message((1, ByteString.CopyFromUtf8("a message")))));
        Assert.Null(HandshakeOrigin.Of(Message((2, Message((1, 3))))));
        Assert.Null(HandshakeOrigin.Of(Message((2, Message((1, 2))))));
        Assert.Null(HandshakeOrigin.Of(ByteString.Empty));
    }

    [Theory]
    [InlineData(new byte[] { 0x12, 0x7F })]
    [InlineData(new byte[] { 0x12, 0x02, 0x12, 0x05 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Bytes_that_are_not_a_pdu_are_one_typed_exception(byte[] bytes) =>
        Assert.Throws<InvalidProtocolBufferException>(() => HandshakeOrigin.Of(ByteString.CopyFrom(bytes)));

    /// <summary>A protobuf message of the given fields: strings and messages length-delimited, ints as varints, a ulong as fixed64.</summary>
    private static ByteString Message(params (int Field, object Value)[] fields)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var (field, value) in fields)
        {
            switch (value)
            {
                case string text: output.WriteTag(field, WireFormat.WireType.LengthDelimited); output.WriteString(text); break;
                case ByteString bytes: output.WriteTag(field, WireFormat.WireType.LengthDelimited); output.WriteBytes(bytes); break;
                case int number: output.WriteTag(field, WireFormat.WireType.Varint); output.WriteInt32(number); break;
                case ulong uid: output.WriteTag(field, WireFormat.WireType.Fixed64); output.WriteFixed64(uid); break;
            }
        }
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }
}
