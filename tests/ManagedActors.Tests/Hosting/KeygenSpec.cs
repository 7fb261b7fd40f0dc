using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary><c>keygen</c>: a key without Python, in a file only its owner reads, that <c>serve</c> and <c>status</c> take.</summary>
public sealed class KeygenSpec : IDisposable
{
    private readonly TempStore _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Keygen_writes_a_new_owner_only_key_that_serve_and_status_take_and_never_overwrites_one()
    {
        var file = _folder.PathOf("key.hex");
        var (code, output, errors) = await HostProcess.RunCommandAsync(null, "keygen", file);
        Assert.True(code == 0, output + errors);
        var key = (await File.ReadAllTextAsync(file)).Trim();
        Assert.Matches("^[0-9a-f]{64}$", key);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        (code, _, errors) = await HostProcess.RunCommandAsync(null, "keygen", file);
        Assert.Equal(2, code);
        Assert.Contains("never overwrites a key", errors);
        Assert.Equal(key, (await File.ReadAllTextAsync(file)).Trim());

        (code, output, _) = await HostProcess.RunCommandAsync(null, "keygen");
        Assert.Equal(0, code);
        Assert.Matches("^[0-9a-f]{64}$", output.Trim());
        Assert.NotEqual(key, output.Trim());

        // The file's key, not the one HostProcess puts in the environment, is the host's.
        await using var host = await HostProcess.StartAsync(arguments: ["--authkey-file", file]);
        (code, output, errors) = await HostProcess.RunCommandAsync(null, "status", "--address", host.Address, "--authkey-file", file);
        Assert.True(code == 0, output + errors);
        Assert.Contains("objects", output);
    }

    [Fact]
    public async Task A_malformed_key_is_told_apart_from_a_missing_one_with_exit_code_2()
    {
        var (code, _, errors) = await HostProcess.RunCommandAsync(new Dictionary<string, string> { ["MANAGEDACTORS_AUTHKEY"] = "not-hex" }, "status", "--address", "127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Contains("$MANAGEDACTORS_AUTHKEY is not a key", errors);
        var shortKey = _folder.PathOf("short.hex");
        await File.WriteAllTextAsync(shortKey, "abcd");
        (code, _, errors) = await HostProcess.RunCommandAsync(null, "serve", "--authkey-file", shortKey);
        Assert.Equal(2, code);
        Assert.Contains("holds no key", errors);
        (code, _, errors) = await HostProcess.RunCommandAsync(new Dictionary<string, string> { ["MANAGEDACTORS_AUTHKEY"] = "" }, "status", "--address", "127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Contains("Give the authkey with --authkey-file", errors);
    }
}
