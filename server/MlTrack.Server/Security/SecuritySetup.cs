using System.CommandLine;
using MlTrack.Server.Api;
using MlTrack.Server.Auth;
using MlTrack.Server.Hosting;

namespace MlTrack.Server.Security;

/// <summary>Wires authentication and hardening into the app and the command line, in a few calls from Hosting.</summary>
internal static class SecuritySetup
{
    public static void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(options.Hardening);
        services.AddSingleton(options.Auth);
        if (options.Auth.Enabled)
        {
            // A singleton of its own, so that the container disposes a pool it opened.
            services.AddSingleton(s => options.Auth.OpenDatabase(
                s.GetService<Storage.Postgres.PostgresDatabase>(), options.PostgresConnectionString is null ? options.SqlitePath : null));
            services.AddSingleton(s => new AuthStore(s.GetRequiredService<AuthDatabase>(), options.Auth.PasswordIterations));
            services.AddSingleton<Authenticator>();
        }
    }

    /// <summary>Hardening always; with --auth, the first admin (or a refusal to start) and the auth middleware.</summary>
    public static void UsePipeline(WebApplication app, ServerOptions options)
    {
        app.UseMiddleware<HardeningMiddleware>();
        if (options.Hardening.AllowedHosts.Count == 0 && HardeningMiddleware.IsWildcard(options.Host))
        {
            // Reachable from the network, yet every request with the server's real name would get 403: say why now.
            app.Logger.LogWarning(
                "Listening on {Host}, but only requests addressed to localhost, 127.0.0.1 or ::1 are answered (DNS rebinding "
                + "protection). Pass --allowed-hosts with the names clients use, e.g. --allowed-hosts mlflow.example.com,10.0.0.5.",
                options.Host);
        }

        if (!options.Auth.Enabled)
        {
            return;
        }

        EnsureAdmin(app.Services.GetRequiredService<AuthStore>(), options.Auth, app.Logger);
        app.UseMiddleware<AuthMiddleware>();
    }

    public static void MapRoutes(MlflowRoutes routes, ServerOptions options)
    {
        if (options.Auth.Enabled)
        {
            AuthEndpoints.Map(routes);
        }
    }

    private static void EnsureAdmin(AuthStore store, AuthOptions options, ILogger logger)
    {
        Permission.Parse(options.DefaultPermission);
        if (!string.IsNullOrEmpty(options.AdminUsername) && store.FindUser(options.AdminUsername) is null)
        {
            if (string.IsNullOrEmpty(options.AdminPassword))
            {
                throw new StartupRefusedException("--admin-username (MLTRACK_ADMIN_USERNAME) needs --admin-password (MLTRACK_ADMIN_PASSWORD).");
            }

            try
            {
                store.CreateUser(options.AdminUsername, options.AdminPassword, isAdmin: true);
                logger.LogInformation("Created admin user '{Username}'.", options.AdminUsername);
            }
            catch (Errors.MlflowException e) when (e.Code == Errors.ErrorCode.RESOURCE_ALREADY_EXISTS)
            {
                // A replica starting at the same time created it first.
            }
            catch (Errors.MlflowException e)
            {
                throw new StartupRefusedException($"Cannot create the admin user: {e.Message}");
            }
        }

        if (!store.HasAdmin())
        {
            throw new StartupRefusedException(
                "--auth is on but there is no admin user. Set MLTRACK_ADMIN_USERNAME and MLTRACK_ADMIN_PASSWORD "
                + "(or --admin-username and --admin-password) for the first start; there is no default password.");
        }
    }

    /// <summary>The security flags, added to the server command.</summary>
    internal sealed class Flags
    {
        private readonly Option<bool> _auth = new("--auth") { Description = "Require HTTP basic auth or bearer tokens, with MLflow's permissions." };
        private readonly Option<string?> _authDb = new("--auth-db-uri") { Description = "User and permission database, sqlite:///path or postgresql://... (default: the tracking database on PostgreSQL, else basic_auth.db next to the tracking DB)." };
        private readonly Option<string?> _adminUser = new("--admin-username") { Description = "First admin's name (or MLTRACK_ADMIN_USERNAME), created on first start." };
        private readonly Option<string?> _adminPassword = new("--admin-password") { Description = "First admin's password (or MLTRACK_ADMIN_PASSWORD)." };
        private readonly Option<string> _defaultPermission = new("--default-permission")
        {
            Description = "Permission of users without a grant: READ, EDIT, MANAGE or NO_PERMISSIONS.",
            DefaultValueFactory = _ => Permission.Read.Name,
        };

        private readonly Option<string[]> _allowedHosts = new("--allowed-hosts")
        {
            Description = "Host header names to answer (comma-separated; '*' for any). Default: loopback and --host.",
            AllowMultipleArgumentsPerToken = true,
        };

        private readonly Option<string[]> _corsOrigins = new("--cors-allowed-origins")
        {
            Description = "Origins allowed cross-origin calls (comma-separated; '*' for any). Default: loopback origins.",
            AllowMultipleArgumentsPerToken = true,
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _auth, _authDb, _adminUser, _adminPassword, _defaultPermission, _allowedHosts, _corsOrigins })
            {
                command.Options.Add(option);
            }
        }

        public ServerOptions Apply(ParseResult result, ServerOptions options) => options with
        {
            Auth = new AuthOptions
            {
                Enabled = result.GetValue(_auth),
                DatabaseUri = result.GetValue(_authDb),
                AdminUsername = result.GetValue(_adminUser) ?? Environment.GetEnvironmentVariable("MLTRACK_ADMIN_USERNAME"),
                AdminPassword = result.GetValue(_adminPassword) ?? Environment.GetEnvironmentVariable("MLTRACK_ADMIN_PASSWORD"),
                DefaultPermission = result.GetValue(_defaultPermission)!,
            },
            Hardening = new HardeningOptions
            {
                AllowedHosts = Split(result.GetValue(_allowedHosts)),
                CorsAllowedOrigins = Split(result.GetValue(_corsOrigins)),
            },
        };

        private static string[] Split(string[]? values) =>
            [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }
}

/// <summary>A setting that makes the server refuse to start (auth without an admin); the command prints it and exits 1.</summary>
internal sealed class StartupRefusedException(string message) : InvalidOperationException(message);
