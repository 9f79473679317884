using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests;

[TestFixture]
public sealed class CsvTableReaderTests
{
    [Test]
    public void LoadsTheWineDataWithNamedColumns()
    {
        var table = CsvTableReader.Load(TestData.WinePath);

        table.RowCount.Should().Be(4898);
        table.ColumnCount.Should().Be(12);
        table.ColumnNames[0].Should().Be("fixed acidity");
        table.ColumnNames[^1].Should().Be("quality");
        // First row: 7,0.27,0.36,20.7,0.045,45,170,1.001,3,0.45,8.8,6
        table[0, 0].Should().Be(7);
        table[0, 3].Should().Be(20.7);
        table.Column("quality")[0].Should().Be(6);
    }

    [Test]
    public void AcceptsQuotesBomCrlfBlankLinesAndExponents()
    {
        var table = Parse("\uFEFF\"a,b\",\"say \"\"c\"\"\"\r\n1, -2.5e-1\r\n\r\n\"3\",4\r\n\r\n");

        table.ColumnNames.Should().Equal("a,b", "say \"c\"");
        table.RowCount.Should().Be(2);
        table.Column("say \"c\"").ToArray().Should().Equal(-0.25, 4);
        table.Column("a,b").ToArray().Should().Equal(1, 3);
    }

    [Test]
    public void ReportsAMissingFileByPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.csv");

        var act = () => CsvTableReader.Load(path);

        act.Should().Throw<FileNotFoundException>().WithMessage($"Data file not found: {path}");
    }

    [TestCase("", 0, null, "data.csv: the file is empty; expected a header row of column names.")]
    [TestCase("a,b\n", 0, null, "data.csv: the file has a header but no data rows.")]
    [TestCase("a,b\n1,2\n3\n", 3, null, "data.csv, line 3: expected 2 fields as in the header but found 1.")]
    [TestCase("a,b\n1,2,3\n", 2, null, "data.csv, line 2: expected 2 fields as in the header but found 3.")]
    [TestCase("a,b\n1,2\n\n3,abc\n", 4, "b", "data.csv, line 4, column 'b': 'abc' is not a number.")]
    [TestCase("a,b\n1,\n", 2, "b", "data.csv, line 2, column 'b': the value is empty; every value must be a number.")]
    [TestCase("a,b\nNaN,1\n", 2, "a", "data.csv, line 2, column 'a': 'NaN' is not a finite number.")]
    [TestCase("a,b\n1e400,1\n", 2, "a", "data.csv, line 2, column 'a': '1e400' is not a finite number.")]
    [TestCase("a,b\n1,2\n\"3,4\n", 3, null, "data.csv, line 3: a quoted field is not closed on this line.")]
    [TestCase("a,a\n1,2\n", 1, "a", "data.csv, line 1, column 'a': the column name appears twice in the header.")]
    [TestCase("a,,c\n1,2,3\n", 1, null, "data.csv, line 1: the header's field 2 is an empty column name.")]
    public void RejectsMalformedCsvNamingLineAndColumn(string text, int line, string? column, string message)
    {
        var act = () => Parse(text);

        var error = act.Should().Throw<CsvFormatException>().Which;
        error.Message.Should().Be(message);
        error.LineNumber.Should().Be(line);
        error.ColumnName.Should().Be(column);
        error.Should().BeAssignableTo<TrainerDataException>();
    }

    [Test]
    public void ReportsTheFilePathAndLineOfANonNumericValueInAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "x,quality\n1,6\n2,six\n");
        try
        {
            var act = () => CsvTableReader.Load(path);

            act.Should().Throw<CsvFormatException>().WithMessage($"{path}, line 3, column 'quality': 'six' is not a number.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ReportsAMissingTargetColumnWithTheColumnsThereAre()
    {
        var table = Parse("a,b\n1,2\n");

        var act = () => table.ToRegressionData("quality");

        act.Should().Throw<ColumnNotFoundException>()
            .WithMessage("There is no column 'quality'; the columns are 'a', 'b'.")
            .Which.ColumnName.Should().Be("quality");
    }

    [Test]
    public void PutsEveryOtherColumnInTableOrderIntoTheFeatures()
    {
        var table = Parse("a,y,b\n1,10,2\n3,20,4\n");

        var data = table.ToRegressionData("y");

        data.FeatureNames.Should().Equal("a", "b");
        data.TargetName.Should().Be("y");
        data.Target.ToArray().Should().Equal(10, 20);
        data.Features.ToRowArrays().Should().BeEquivalentTo(new[] { new[] { 1.0, 2 }, new[] { 3.0, 4 } });
    }

    private static NumericTable Parse(string text) => CsvTableReader.Read(new StringReader(text), "data.csv");
}
