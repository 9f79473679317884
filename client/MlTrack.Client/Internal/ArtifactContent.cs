using System.Net;
using System.Net.Http.Headers;

namespace MlTrack.Client.Internal;

/// <summary>
/// An upload body copied from a stream as it is sent, never buffered; it disposes the stream only when it opened
/// it itself (a local file), never a stream the caller passed in.
/// </summary>
internal sealed class ArtifactContent : HttpContent
{
    private readonly Stream _source;
    private readonly bool _ownsSource;

    public ArtifactContent(Stream source, bool ownsSource)
    {
        _source = source;
        _ownsSource = ownsSource;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    }

    /// <summary>Opens a local file for one upload attempt.</summary>
    public static ArtifactContent FromFile(string path) => new(
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous | FileOptions.SequentialScan),
        ownsSource: true);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _source.CopyToAsync(stream, 81_920, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _source.CanSeek ? _source.Length - _source.Position : 0;
        return _source.CanSeek;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsSource)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
