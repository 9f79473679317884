using System.Text.Json;

namespace MlTrack.Ui.Tests;

/// <summary>
/// wwwroot/vendor is committed (the server needs no Node.js) and must be exactly what ui/package-lock.json yields:
/// npm ci checks each tarball against the lock file's integrity hash, and these tests compare its files byte for byte.
/// </summary>
public sealed class VendoredAssetsTests
{
    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlTrack.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("No MlTrack.sln above the test directory.");
        }
    }

    private static string Ui => Path.Combine(Root, "ui");

    private static string Vendor => Path.Combine(Root, "server", "MlTrack.Server", "wwwroot", "vendor");

    private static IEnumerable<(string Source, string Name)> VendorList() =>
        File.ReadAllLines(Path.Combine(Ui, "vendor.list"))
            .Where(line => line.Trim().Length > 0)
            .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
            .Select(parts => (parts[0], parts[1]));

    private static string LockedVersion(string package)
    {
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Ui, "package-lock.json")));
        return lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/" + package).GetProperty("version").GetString()!;
    }

    [Test]
    public void PackageJsonPinsTheLockedUPlotVersion()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Ui, "package.json")));
        var pinned = package.RootElement.GetProperty("dependencies").GetProperty("uplot").GetString();
        pinned.Should().Be(LockedVersion("uplot"), "package.json pins an exact version, the one in package-lock.json");
    }

    [Test]
    public void VendoredUPlotIsTheLockedVersion()
    {
        var header = File.ReadLines(Path.Combine(Vendor, "uPlot.iife.min.js")).First();
        header.Should().Contain($"(v{LockedVersion("uplot")})");
    }

    [Test]
    public void EveryVendoredFileEqualsWhatNpmCiInstalls()
    {
        var modules = Path.Combine(Ui, "node_modules");
        if (!Directory.Exists(modules))
        {
            Assert.Inconclusive("ui/node_modules is missing: run `npm ci` in ui/ first (scripts/test.sh does).");
        }

        var listed = VendorList().ToList();
        listed.Should().NotBeEmpty();
        foreach (var (source, name) in listed)
        {
            File.ReadAllBytes(Path.Combine(Vendor, name)).Should().Equal(File.ReadAllBytes(Path.Combine(modules, source)),
                $"wwwroot/vendor/{name} must be node_modules/{source}; run ui/vendor.sh and commit the result");
        }

        Directory.GetFiles(Vendor).Select(Path.GetFileName).Should().BeEquivalentTo(listed.Select(item => item.Name),
            "wwwroot/vendor holds only what ui/vendor.list copies");
    }
}
