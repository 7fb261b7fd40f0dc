using System.CommandLine;

namespace ManagedActors.Host;

/// <summary>
/// The <c>managed-actors</c> tool: <c>serve</c> runs a host (Python's
/// <c>BaseManager(address, authkey).get_server().serve_forever()</c>), <c>status</c> prints what a running host holds,
/// <c>journal</c> reads a durable store without the user's assemblies, and <c>keygen</c> makes keys.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("ManagedActors: shared objects for other processes, as Python's multiprocessing managers.")
        {
            ServeCommand.Create(), StatusCommand.Create(), JournalCommands.Create(), KeygenCommand.Create(),
        };
        // serve stops on SIGTERM through the generic host, which waits for the host to leave its cluster; System.CommandLine's
        // own handling would end the process after two seconds, in the middle of that.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
    }
}
