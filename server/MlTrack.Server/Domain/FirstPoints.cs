namespace MlTrack.Server.Domain;

/// <summary>
/// The first <c>limit</c> points in SQL's ORDER BY step, timestamp, value (on the stored value; a NaN is stored as 0
/// with is_nan set), collected in any order and never holding more than twice the limit.
/// </summary>
internal sealed class FirstPoints(int limit)
{
    private readonly List<(long Step, long Timestamp, double Stored, bool IsNan)> _points = [];

    public void Add(long step, long timestamp, double stored, bool isNan)
    {
        _points.Add((step, timestamp, stored, isNan));
        if (_points.Count == 2 * limit)
        {
            Trim();
        }
    }

    public List<MetricPoint> ToList()
    {
        Trim();
        return [.. _points.Select(p => new MetricPoint(p.Timestamp, p.Step, p.IsNan ? double.NaN : p.Stored))];
    }

    private void Trim()
    {
        _points.Sort((a, b) => a.Step != b.Step ? a.Step.CompareTo(b.Step) : a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Stored.CompareTo(b.Stored));
        if (_points.Count > limit)
        {
            _points.RemoveRange(limit, _points.Count - limit);
        }
    }
}
