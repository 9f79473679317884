namespace MlTrack.Server.Tests.ModelRegistry;

public sealed class AliasesApiTests : RegistryTestBase
{
    private const string Alias = $"{Models}/alias";

    [Test]
    public async Task AnAliasShowsOnTheModelAndTheVersionAndResolves()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);
        var v2 = await CreateVersionAsync(name);

        var set = await Server.PostAsync(Alias, new { name, alias = "champion", version = v2 });
        var resolved = await Server.GetAsync($"{Alias}?name={name}&alias=champion");

        set.Status.Should().Be(200);
        set.Body.Should().Be("{}");
        resolved.Status.Should().Be(200);
        var version = resolved.Json.GetProperty("model_version");
        Str(version, "version").Should().Be("2");
        Str(version, "status").Should().Be("READY");
        List(version, "aliases").Select(a => a.GetString()).Should().Equal("champion");
        var aliases = List(await GetModelAsync(name), "aliases");
        aliases.Select(a => (Str(a, "alias"), Str(a, "version"))).Should().Equal(("champion", "2"));
        (await GetVersionAsync(name, "1")).TryGetProperty("aliases", out _).Should().BeFalse();
    }

    [Test]
    public async Task SettingAnAliasAgainMovesIt()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        (await Server.PostAsync(Alias, new { name, alias = "prod", version = "1" })).EnsureOk();
        (await Server.PostAsync(Alias, new { name, alias = "backup", version = "1" })).EnsureOk();

        (await Server.PostAsync(Alias, new { name, alias = "prod", version = "2" })).EnsureOk();

        Str((await Server.GetAsync($"{Alias}?name={name}&alias=prod")).Json.GetProperty("model_version"), "version").Should().Be("2");
        List(await GetVersionAsync(name, "1"), "aliases").Select(a => a.GetString()).Should().Equal("backup");
        List(await GetVersionAsync(name, "2"), "aliases").Select(a => a.GetString()).Should().Equal("prod");
        List(await GetModelAsync(name), "aliases").Select(a => (Str(a, "alias"), Str(a, "version")))
            .Should().Equal(("backup", "1"), ("prod", "2"));
    }

    [Test]
    public async Task DeleteRemovesTheAliasAndAMissingAliasIsNoError()
    {
        var name = await CreateModelAsync();
        var version = await CreateVersionAsync(name);
        (await Server.PostAsync(Alias, new { name, alias = "prod", version })).EnsureOk();

        var deleted = await DeleteAsync(Alias, new { name, alias = "prod" });
        var again = await DeleteAsync(Alias, new { name, alias = "prod" });
        var unknownModel = await DeleteAsync(Alias, new { name = NewName(), alias = "prod" });
        var resolved = await Server.GetAsync($"{Alias}?name={name}&alias=prod");

        deleted.Status.Should().Be(200);
        again.Status.Should().Be(200);
        unknownModel.Status.Should().Be(404);
        resolved.Status.Should().Be(400);
        resolved.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        resolved.Message.Should().Be("Registered model alias prod not found.");
    }

    [Test]
    public async Task DeletingTheVersionRemovesItsAliases()
    {
        var name = await CreateModelAsync();
        var v1 = await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        (await Server.PostAsync(Alias, new { name, alias = "old", version = v1 })).EnsureOk();
        (await Server.PostAsync(Alias, new { name, alias = "new", version = "2" })).EnsureOk();

        (await DeleteAsync($"{Versions}/delete", new { name, version = v1 })).EnsureOk();

        (await Server.GetAsync($"{Alias}?name={name}&alias=old")).Status.Should().Be(400);
        List(await GetModelAsync(name), "aliases").Select(a => Str(a, "alias")).Should().Equal("new");
    }

    [Test]
    public async Task AnAliasNeedsAnExistingVersion()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);

        var unknownVersion = await Server.PostAsync(Alias, new { name, alias = "a", version = "2" });
        var unknownModel = await Server.PostAsync(Alias, new { name = NewName(), alias = "a", version = "1" });
        var notANumber = await Server.PostAsync(Alias, new { name, alias = "a", version = "latest" });
        var missingVersion = await Server.PostAsync(Alias, new { name, alias = "a" });

        unknownVersion.Status.Should().Be(404);
        unknownVersion.Message.Should().Be($"Model Version (name={name}, version=2) not found");
        unknownModel.Status.Should().Be(404);
        notANumber.Status.Should().Be(400);
        notANumber.Message.Should().Be("Model version must be an integer, got 'latest'");
        missingVersion.Status.Should().Be(400);
    }

    [TestCase("latest", "'latest' alias name (case insensitive) is reserved.")]
    [TestCase("LaTeSt", "'latest' alias name (case insensitive) is reserved.")]
    [TestCase("v1", "Version alias name 'v1' is reserved.")]
    [TestCase("V42", "Version alias name 'V42' is reserved.")]
    [TestCase("my alias", "Invalid alias name: 'my alias'. Names may only contain alphanumerics, underscores (_), and dashes (-).")]
    [TestCase("a.b", "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), and dashes (-).")]
    public async Task ReservedAndMalformedAliasNamesAreRefused(string alias, string message)
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);

        var set = await Server.PostAsync(Alias, new { name, alias, version = "1" });
        var get = await Server.GetAsync($"{Alias}?name={name}&alias={Uri.EscapeDataString(alias)}");
        var delete = await DeleteAsync(Alias, new { name, alias });

        set.Status.Should().Be(400);
        set.Message.Should().Be(message);
        get.Status.Should().Be(400);
        get.Message.Should().Be(message);
        delete.Status.Should().Be(400);
    }

    [Test]
    public async Task AliasNamesThatLookLikeButAreNotReservedAreAccepted()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);

        foreach (var alias in new[] { "v1a", "version1", "latest-good", "Prod_2", "ß-ünïcode", new string('a', 255) })
        {
            (await Server.PostAsync(Alias, new { name, alias, version = "1" })).Status.Should().Be(200, alias);
        }

        var tooLong = await Server.PostAsync(Alias, new { name, alias = new string('a', 256), version = "1" });
        tooLong.Status.Should().Be(400);
        tooLong.Message.Should().EndWith("had length 256, which exceeded length limit of 255");
    }

    [Test]
    public async Task AliasesAreCaseSensitiveAndPerModel()
    {
        var first = await CreateModelAsync();
        var second = await CreateModelAsync();
        await CreateVersionAsync(first);
        await CreateVersionAsync(second);
        await CreateVersionAsync(second);
        (await Server.PostAsync(Alias, new { name = first, alias = "Prod", version = "1" })).EnsureOk();
        (await Server.PostAsync(Alias, new { name = second, alias = "Prod", version = "2" })).EnsureOk();

        (await Server.GetAsync($"{Alias}?name={first}&alias=prod")).Status.Should().Be(400);
        Str((await Server.GetAsync($"{Alias}?name={second}&alias=Prod")).Json.GetProperty("model_version"), "version").Should().Be("2");
    }
}
