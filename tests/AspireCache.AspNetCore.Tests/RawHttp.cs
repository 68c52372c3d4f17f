using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The parts of an HTTP response that the tests check.</summary>
internal sealed record WireResponse(int Status, string? ContentType, byte[] Body, bool SourceError)
{
    public long BodyLength => Body.Length;

    /// <summary>The problem's <c>type</c>, when the body is problem+json that has one.</summary>
    public string? ProblemType
    {
        get
        {
            if (ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true)
            {
                return null;
            }

            try
            {
                using var problem = JsonDocument.Parse(Body);
                return problem.RootElement.TryGetProperty("type", out JsonElement type) ? type.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}

/// <summary>
/// Sends a request exactly as written over a fresh loopback connection (<c>Connection: close</c>), for
/// request lines and headers that HttpClient refuses to send.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<WireResponse> SendAsync(Uri server, byte[] request, CancellationToken testCancellation)
    {
        // A server that neither answers nor closes fails the case instead of hanging the test.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(testCancellation);
        timeout.CancelAfter(Timeout);
        CancellationToken cancellationToken = timeout.Token;
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        NetworkStream stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(request, cancellationToken);
        }
        catch (IOException)
        {
            // Kestrel may answer and close before it has read everything (e.g. an oversized header);
            // the answer is still readable.
        }

        using var response = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                response.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (response.Length > 0)
        {
            // A reset after the answer (unread request bytes on the server side) loses nothing we need.
        }

        return Parse(response.ToArray());
    }

    /// <summary>A request with the given start line, headers and body, followed by <c>Connection: close</c>.</summary>
    public static byte[] Build(string method, byte[] target, IEnumerable<string> headers, byte[]? body = null)
    {
        using var request = new MemoryStream();
        Write(request, $"{method} ");
        request.Write(target);
        Write(request, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        foreach (string header in headers)
        {
            Write(request, header);
            Write(request, "\r\n");
        }

        if (body is not null)
        {
            Write(request, $"Content-Length: {body.Length}\r\n");
        }

        Write(request, "\r\n");
        if (body is not null)
        {
            request.Write(body);
        }

        return request.ToArray();
    }

    private static void Write(MemoryStream stream, string text) => stream.Write(Encoding.Latin1.GetBytes(text));

    private static WireResponse Parse(byte[] bytes)
    {
        string text = Encoding.Latin1.GetString(bytes);
        int headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headerEnd < 0)
        {
            throw new InvalidDataException($"No HTTP response ({bytes.Length} bytes received).");
        }

        string[] lines = text[..headerEnd].Split("\r\n");
        int status = int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        string? contentType = null;
        bool sourceError = false;
        bool chunked = false;
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string name = line[..colon];
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = line[(colon + 1)..].Trim();
            }
            else if (name.Equals("X-Cache-Source-Error", StringComparison.OrdinalIgnoreCase))
            {
                sourceError = true;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = line[(colon + 1)..].Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
        }

        byte[] body = bytes[(headerEnd + 4)..];
        return new WireResponse(status, contentType, chunked ? Unchunked(body) : body, sourceError);
    }

    // The body as sent, without the chunks' framing: a problem's JSON is chunked when its length was not known up front.
    private static byte[] Unchunked(byte[] framed)
    {
        using var body = new MemoryStream();
        int at = 0;
        while (true)
        {
            int lineEnd = framed.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                throw new InvalidDataException("A chunk without its size line.");
            }

            string sizeLine = Encoding.Latin1.GetString(framed, at, lineEnd).Split(';')[0];
            if (!int.TryParse(sizeLine, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out int size))
            {
                throw new InvalidDataException($"A chunk size that is not hex: '{sizeLine}'.");
            }

            at += lineEnd + 2;
            if (size == 0)
            {
                return body.ToArray();
            }

            if (at + size > framed.Length)
            {
                throw new InvalidDataException("A chunk shorter than its size.");
            }

            body.Write(framed, at, size);
            at += size + 2;
        }
    }
}
