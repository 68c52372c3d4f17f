using System.Buffers;
using System.Text.Json;

namespace AspireCache.Client;

/// <summary>The parts of a node's problem-details answer that the client acts on; empty for a body that is not one.</summary>
internal sealed record NodeProblem(string? Type, string? Title, string? Detail, IReadOnlyList<string> Members)
{
    // A problem is a few hundred bytes; anything far larger is not one of ours, and is read no further.
    private const int MaxBytes = 64 * 1024;

    private static readonly NodeProblem None = new(null, null, null, []);

    public static async Task<NodeProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        long? length = response.Content.Headers.ContentLength;
        if (length is > MaxBytes or 0)
        {
            return None;
        }

        // Without a length (a chunked answer), one byte more than the limit tells a body over it.
        int capacity = length is long known ? (int)known : MaxBytes + 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            int read = await ReadAtMostAsync(response.Content, buffer.AsMemory(0, capacity), cancellationToken).ConfigureAwait(false);
            return read is 0 or > MaxBytes ? None : Parse(buffer.AsMemory(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads until the buffer is full or the body ends; the number of bytes read.</summary>
    private static async Task<int> ReadAtMostAsync(HttpContent content, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
    }

    private static NodeProblem Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return None;
            }

            var members = new List<string>();
            if (root.TryGetProperty("members", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement member in list.EnumerateArray())
                {
                    if (member.ValueKind == JsonValueKind.String)
                    {
                        members.Add(member.GetString()!);
                    }
                }
            }

            string? title = StringOf(root, "title");
            return new NodeProblem(StringOf(root, "type"), title, StringOf(root, "detail") ?? title, members);
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
