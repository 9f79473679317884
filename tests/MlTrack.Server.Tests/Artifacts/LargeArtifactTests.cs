using System.Net;
using System.Security.Cryptography;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Artifacts;

/// <summary>A file far larger than the memory budget goes both ways through a server process whose memory is measured.</summary>
[Category("Slow")]
public sealed class LargeArtifactTests
{
    private const long FileBytes = 512L * 1024 * 1024;
    private const long MemoryBudgetBytes = 64L * 1024 * 1024;

    [Test]
    public async Task HalfAGigabyteStreamsUpAndDownWithBoundedServerMemory()
    {
        await using var server = await ServerProcess.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        (await client.GetStringAsync("/api/2.0/mlflow/experiments/get?experiment_id=0")).Should().Contain("Default");
        var before = server.Memory().Current;

        using var upload = new StreamContent(new PatternStream(FileBytes));
        using var put = await client.PutAsync("/api/2.0/mlflow-artifacts/artifacts/0/big/artifacts/big.bin", upload);
        put.StatusCode.Should().Be(HttpStatusCode.OK);

        using var get = await client.GetAsync("/api/2.0/mlflow-artifacts/artifacts/0/big/artifacts/big.bin", HttpCompletionOption.ResponseHeadersRead);
        get.Content.Headers.ContentLength.Should().Be(FileBytes);
        await using var download = await get.Content.ReadAsStreamAsync();
        var received = await SHA256.HashDataAsync(download);

        received.Should().Equal(await SHA256.HashDataAsync(new PatternStream(FileBytes)));
        var peak = server.Memory().Peak;
        (peak - before).Should().BeLessThan(MemoryBudgetBytes, $"peak RSS {peak / 1048576} MiB, {before / 1048576} MiB before the transfer");
    }

    /// <summary>A deterministic, non-repeating-looking byte stream of a given length that never sits in memory.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var p = _position + i;
                buffer[offset + i] = (byte)((p * 2654435761L) >> 13);
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
