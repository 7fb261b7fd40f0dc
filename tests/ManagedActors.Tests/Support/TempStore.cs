using Microsoft.Data.Sqlite;

namespace ManagedActors.Tests.Support;

/// <summary>A temporary folder for a test's database files; deleted after the pooled SQLite connections that hold them close.</summary>
public sealed class TempStore : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("managed-actors-store-");

    /// <summary>The path of a file in the folder.</summary>
    public string PathOf(string name) => Path.Combine(_folder.FullName, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
