using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>The hand lexer standing in for sqlparse: kinds and exact source text of each token.</summary>
public class SearchLexerTests
{
    [TestCase("metrics.acc >= 0.5", "Identifier:metrics.acc Operator:>= Number:0.5")]
    [TestCase("tags.mlflow.runName = 'x'", "Identifier:tags.mlflow.runName Operator:= String:'x'")]
    [TestCase("metrics.`a b`<>-1e-3", "Identifier:metrics.`a b` Operator:<> Number:-1e-3")]
    [TestCase("tags.\"a\"\"b\".c", "Identifier:tags.\"a\"\"b\".c")]
    [TestCase("params.'my key' != \"v\"", "Identifier:params.'my key' Operator:!= Identifier:\"v\"")]
    [TestCase("'it''s' 'a\\'b'", "String:'it''s' String:'a\\'b'")]
    [TestCase("a and OR not In like ILIKE is NULL", "Identifier:a Keyword:and Keyword:OR Keyword:not Keyword:In Keyword:like Keyword:ILIKE Keyword:is Keyword:NULL")]
    [TestCase("run_id IN ('a','b')", "Identifier:run_id Keyword:IN LeftParen:( String:'a' Comma:, String:'b' RightParen:)")]
    [TestCase(".5 5. 00012 1AND 1.5.3", "Number:.5 Number:5. Number:00012 Identifier:1AND Identifier:1.5.3")]
    [TestCase("a > - 1", "Identifier:a Operator:> Unknown:- Number:1")]
    [TestCase("x && y;", "Identifier:x Unknown:&& Identifier:y Semicolon:;")]
    [TestCase("x -- note\ny", "Identifier:x Comment:-- note Identifier:y")]
    [TestCase("x /* c */ y", "Identifier:x Comment:/* c */ Identifier:y")]
    [TestCase("x = 'open", "Identifier:x Operator:= Unknown:' Identifier:open")]
    [TestCase("`open", "Unknown:` Identifier:open")]
    [TestCase("ünï_$1", "Identifier:ünï_$1")]
    public void Tokens(string text, string expected) =>
        string.Join(" ", SearchLexer.Tokenize(text).Select(t => $"{t.Kind}:{t.Text}")).Should().Be(expected);

    [Test]
    public void Whitespace_alone_gives_no_token() => SearchLexer.Tokenize(" \t\r\n ").Should().BeEmpty();
}
