using MlTrack.Server.Artifacts;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Tests.Artifacts;

public sealed class ArtifactPathTests
{
    [TestCase("", "")]
    [TestCase("model/MLmodel", "model/MLmodel")]
    [TestCase("a//b/./c/", "a/b/c")]
    [TestCase("données/模型 1.txt", "données/模型 1.txt")]
    [TestCase("100%25.txt", "100%25.txt")]
    [TestCase("a..b/c", "a..b/c")]
    [TestCase("...", "...")]
    public void AcceptsRelativePathsAndKeepsThemAsReceived(string path, string expected)
    {
        ArtifactPath.Validate(path).Should().Be(expected);
    }

    [TestCase("..")]
    [TestCase("../etc/passwd")]
    [TestCase("a/../../b")]
    [TestCase("a/..")]
    [TestCase("/etc/passwd")]
    [TestCase("//server/share")]
    [TestCase("C:/Windows")]
    [TestCase("c:")]
    [TestCase("a\\..\\b")]
    [TestCase("..\\etc")]
    [TestCase("a#b")]
    [TestCase("a?b")]
    [TestCase("a\0b")]
    [TestCase("a\nb")]
    [TestCase("file:///etc/passwd")]
    [TestCase("%2e%2e/etc")]
    [TestCase("%2E%2E%2Fetc")]
    [TestCase("%252e%252e/etc")]
    [TestCase("%25252e%25252e%25252fetc")]
    [TestCase("a/%2e%2e/%2e%2e/b")]
    [TestCase("%2Fetc%2Fpasswd")]
    [TestCase("%5c..%5cetc")]
    [TestCase("a%23b")]
    [TestCase("a%3fb")]
    [TestCase("a%00b")]
    [TestCase("%43:%5cWindows")]
    [TestCase("..%c0%af..%c0%afetc")]
    public void RefusesTraversalAbsoluteAndSpecialCharactersAtAnyDecodingDepth(string path)
    {
        var act = () => ArtifactPath.Validate(path);

        act.Should().Throw<MlflowException>().Which.Code.Should().Be(ErrorCode.INVALID_PARAMETER_VALUE);
    }
}
