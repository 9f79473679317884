using System.Text.RegularExpressions;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Artifacts;

/// <summary>
/// Checks a relative artifact path before it touches the disk (MLflow's validate_path_is_safe, made stricter).
/// The path as received, and every form it takes under repeated URL decoding, must not hold '..' segments, be
/// absolute or name a drive, hold backslashes, '#', '?', NUL or other control characters. The path itself is
/// used as received: a file may legitimately be called "100%25.txt".
/// </summary>
internal static partial class ArtifactPath
{
    private const int MaxDecodingRounds = 8;

    /// <summary>The safe, normalised form ("a/b/c", no empty or '.' segments); "" for the root.</summary>
    public static string Validate(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "";
        }

        var form = path;
        for (var round = 0; ; round++)
        {
            CheckForm(form);
            var decoded = Uri.UnescapeDataString(form);
            if (decoded == form)
            {
                // What is still escaped did not decode: bytes that are no UTF-8 (overlong "%c0%af" and the like).
                if (UndecodableEscape().IsMatch(form))
                {
                    throw Invalid();
                }

                break;
            }

            if (round == MaxDecodingRounds)
            {
                throw Invalid();
            }

            form = decoded;
        }

        return string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."));
    }

    /// <summary>Joins a validated relative path under a base relative path.</summary>
    public static string Combine(string basePath, string relative) =>
        relative.Length == 0 ? basePath : basePath.Length == 0 ? relative : $"{basePath}/{relative}";

    private static void CheckForm(string form)
    {
        if (form.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || UnsafeCharacters().IsMatch(form)
            || form.StartsWith('/') || DrivePrefix().IsMatch(form) || form.Split('/').Contains(".."))
        {
            throw Invalid();
        }
    }

    private static MlflowException Invalid() => MlflowException.InvalidParameter("Invalid path");

    [GeneratedRegex(@"[\\#?\x00-\x1f\x7f]")]
    private static partial Regex UnsafeCharacters();

    [GeneratedRegex(@"%[89A-Fa-f][0-9A-Fa-f]")]
    private static partial Regex UndecodableEscape();

    [GeneratedRegex(@"^[A-Za-z]:")]
    private static partial Regex DrivePrefix();
}
