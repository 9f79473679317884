using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;

namespace MlTrack.Trainer.Tests.Validation;

[TestFixture]
public sealed class DataBatchTests
{
    [Test]
    public void LoadsTheWineDataAsTheStrictReaderDoes()
    {
        var batch = DataBatch.Load([TestData.WinePath]);

        batch.Files.Should().Equal(TestData.WinePath);
        batch.RowCount.Should().Be(4898);
        batch.ColumnNames.Should().Equal(TestData.WineTable.ColumnNames);
        batch.MissingCount.Should().Be(0);
        batch.NonNumericCount.Should().Be(0);
        batch.DuplicateRowCount.Should().Be(937, "the white-wine data repeats 937 rows");
        var table = batch.ToTable();
        table.RowCount.Should().Be(4898);
        table.Column("alcohol").ToArray().Should().Equal(TestData.WineTable.Column("alcohol").ToArray());
    }

    [Test]
    public void CountsEmptyCellsAndMissingMarkersAsMissing()
    {
        var batch = ValidationData.Csv("a,b\n1,\nNA,2\nnan,NULL\n\" \",n/a\n5,6\n");

        batch.RowCount.Should().Be(5);
        batch.FindColumn("a")!.MissingCount.Should().Be(3);
        batch.FindColumn("b")!.MissingCount.Should().Be(3);
        batch.FindColumn("a")!.Values.ToArray().Should().Equal([1, double.NaN, double.NaN, double.NaN, 5]);
        batch.FindColumn("a")!.NonNumericCount.Should().Be(0);
        batch.FindColumn("a")!.Type.Should().Be("double");
    }

    [Test]
    public void CountsTextCellsAsNonNumericAndCallsAMostlyTextColumnString()
    {
        var batch = ValidationData.Csv("x,colour,quality\n1,red,6\n2,white,six\n3,red,5\n4,1e400,7\n");

        var colour = batch.FindColumn("colour")!;
        colour.NonNumericCount.Should().Be(4);
        colour.Type.Should().Be("string");
        colour.NonNumericExamples.Should().Equal("red", "white", "1e400");
        var quality = batch.FindColumn("quality")!;
        quality.NonNumericCount.Should().Be(1);
        quality.NumericCount.Should().Be(3);
        quality.Type.Should().Be("double");
        batch.FindColumn("x")!.NonNumericCount.Should().Be(0);
    }

    [Test]
    public void ReadsSeveralFilesWithTheSameHeaderAsOneBatch()
    {
        using var dir = new TempDir();
        var first = dir.Write("january.csv", "a,b\n1,2\n3,4\n");
        var second = dir.Write("february.csv", "a,b\n5,6\n1,2\n");

        var batch = DataBatch.Load([first, second]);

        batch.Files.Should().Equal(first, second);
        batch.RowCount.Should().Be(4);
        batch.ToTable().Column("a").ToArray().Should().Equal(1, 3, 5, 1);
        batch.DuplicateRowCount.Should().Be(1, "february repeats january's first row");
    }

    [Test]
    public void RefusesFilesWithDifferentHeadersNamingTheFile()
    {
        using var dir = new TempDir();
        var first = dir.Write("a.csv", "a,b\n1,2\n");
        var second = dir.Write("b.csv", "a,c\n1,2\n");

        var act = () => DataBatch.Load([first, second]);

        act.Should().Throw<CsvFormatException>()
            .WithMessage($"{second}, line 1: the header ('a', 'c') differs from that of {first} ('a', 'b'); every file needs the same columns in the same order.")
            .Which.Path.Should().Be(second);
    }

    [Test]
    public void IsStillStrictAboutTheCsvSyntax()
    {
        var wrongFieldCount = () => ValidationData.Csv("a,b\n1,2\n3\n");
        var missingFile = () => DataBatch.Load(["/no/such/file.csv"]);
        var noFiles = () => DataBatch.Load([]);

        wrongFieldCount.Should().Throw<CsvFormatException>().WithMessage("batch.csv, line 3: expected 2 fields as in the header but found 1.");
        missingFile.Should().Throw<FileNotFoundException>();
        noFiles.Should().Throw<ArgumentException>();
    }

    [Test]
    public void ComparesNumbersByValueWhenCountingDuplicates()
    {
        var batch = ValidationData.Csv("a,b\n1,2\n1.0,2e0\n1,x\n1,x\n1,\n1,NA\n1,y\n");

        batch.DuplicateRowCount.Should().Be(3, "1.0,2e0 repeats 1,2; the second 1,x repeats the first; 1,NA repeats 1,(empty)");
    }

    [Test]
    public void ToTableRefusesMissingAndNonNumericCells()
    {
        var batch = ValidationData.Csv("a,b\n1,\n2,x\n");

        var act = () => batch.ToTable();

        act.Should().Throw<TrainerDataException>().WithMessage("*'b' (1 missing, 1 non-numeric)*validation gate*");
    }

    [Test]
    public void AcceptsAHeaderWithoutRowsSoThatTheGateCanReportIt()
    {
        var batch = ValidationData.Csv("a,b\n");

        batch.RowCount.Should().Be(0);
        batch.ColumnNames.Should().Equal("a", "b");
    }

    private sealed class TempDir : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("mltrack-batch-").FullName;

        public string Write(string name, string text)
        {
            var file = Path.Combine(_path, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
