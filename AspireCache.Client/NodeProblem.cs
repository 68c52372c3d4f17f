using System.Text.Json;

namespace AspireCache.Client;

/// <summary>The parts of a node's problem-details answer that the client acts on; empty for a body that is not one.</summary>
internal sealed record NodeProblem(string? Type, string? Detail, IReadOnlyList<string> Members)
{
    // A problem is a few hundred bytes; anything far larger is not one of ours.
    private const int MaxBytes = 64 * 1024;

    private static readonly NodeProblem None = new(null, null, []);

    public static async Task<NodeProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > MaxBytes)
        {
            return None;
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0 || body.Length > MaxBytes)
        {
            return None;
        }

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

            return new NodeProblem(StringOf(root, "type"), StringOf(root, "detail") ?? StringOf(root, "title"), members);
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
