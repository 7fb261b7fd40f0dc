using System.CommandLine;
using System.Security.Cryptography;

namespace ManagedActors.Host;

/// <summary>
/// <c>keygen [FILE]</c>: a new random key (32 bytes, as hex) for <c>--authkey-file</c> or <c>--cluster-key-file</c>,
/// written to a new file readable by its owner alone (0600), or printed when no file is named.
/// </summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("file") { Description = "The file to write (it must not exist yet); without one, the key is printed.", Arity = ArgumentArity.ZeroOrOne };
        var keygen = new Command("keygen", "Make a new random key (hex) for --authkey-file or --cluster-key-file.") { file };
        keygen.SetAction(async (parse, cancellationToken) =>
        {
            var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            if (parse.GetValue(file) is not { } target)
            {
                Console.WriteLine(key);
                return 0;
            }
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                await using (var stream = new FileStream(target.FullName, options))
                await using (var writer = new StreamWriter(stream))
                {
                    await writer.WriteLineAsync(key.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                Console.WriteLine($"Wrote a new key to {target.FullName} (readable by its owner only).");
                return 0;
            }
            catch (IOException e) when (target.Exists)
            {
                await Console.Error.WriteLineAsync($"{target.FullName} exists; keygen never overwrites a key: remove it, or name another file. ({e.Message})").ConfigureAwait(false);
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Cannot write {target.FullName}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return keygen;
    }
}
