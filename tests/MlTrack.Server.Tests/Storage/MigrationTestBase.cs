using Microsoft.Data.Sqlite;

namespace MlTrack.Server.Tests.Storage;

/// <summary>A folder of its own for each test, where a database of an older schema is written before the server starts.</summary>
public abstract class MigrationTestBase
{
    protected string Folder { get; private set; } = null!;

    [SetUp]
    public void CreateFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "mltrack-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        // Pooled connections would keep the SQLite files open.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
