/// <summary>
/// The .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>) that a <c>ManagedProcess</c> child starts with: it
/// runs the target before the program's <c>Main</c> and exits, so the child never runs the parent's Main body.
/// </summary>
internal static class StartupHook
{
    /// <summary>Called by the runtime before Main.</summary>
    public static void Initialize() => ManagedActors.Processes.WorkerRunner.RunIfRequested();
}
