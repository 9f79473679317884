using System.Globalization;
using System.Text;
using MlTrack.Trainer.Validation;

namespace MlTrack.Trainer.Tests.Support;

/// <summary>Batches and contexts for the validation tests, built from CSV text or from the wine data.</summary>
internal static class ValidationData
{
    private static readonly Lazy<DataProfile> Profile = new(() => DataProfile.Of(TestData.WineTable, "quality"));

    /// <summary>The wine data's own profile: what a champion trained on it would have logged.</summary>
    public static DataProfile WineProfile => Profile.Value;

    public static DataBatch Wine => DataBatch.FromTable(TestData.WineTable, "wine-quality.csv");

    public static DataBatch Csv(string text, string name = "batch.csv") => DataBatch.Read((new StringReader(text), name));

    /// <summary>The wine data as CSV text, with <paramref name="cell"/> rewriting cells (row, column name, text).</summary>
    public static DataBatch WineWith(Func<int, string, string, string> cell)
    {
        var table = TestData.WineTable;
        var text = new StringBuilder().AppendLine(string.Join(',', table.ColumnNames));
        for (int i = 0; i < table.RowCount; i++)
        {
            text.AppendLine(string.Join(',', table.ColumnNames.Select((name, j) =>
                cell(i, name, table[i, j].ToString("R", CultureInfo.InvariantCulture)))));
        }
        return Csv(text.ToString(), "wine-changed.csv");
    }

    /// <summary>n rows of x = i, y = 2i + 1: numeric, distinct, varied.</summary>
    public static DataBatch Linear(int rows) =>
        Csv("x,y\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{(2 * i) + 1}\n")));

    public static ValidationContext Context(DataBatch batch, string target = "quality", DataProfile? reference = null, ValidationSettings? settings = null) =>
        new(batch, target, reference, settings ?? ValidationSettings.Default);
}
