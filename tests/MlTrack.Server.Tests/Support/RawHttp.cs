using System.Net.Sockets;
using System.Text;

namespace MlTrack.Server.Tests.Support;

/// <summary>
/// Sends a request target exactly as written (HttpClient would normalise "../" and escapes), as an attacker
/// would, and reads the status line and body of the answer.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(
        Uri server, string method, string target, byte[]? body = null, string host = "localhost", string? extraHeaders = null)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\nConnection: close\r\n")
            .Append(extraHeaders ?? "")
            .Append(body is null ? "" : $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = response.Length >= 12 && int.TryParse(response.AsSpan(9, 3), out var code) ? code : 0;
        return (status, response);
    }
}
