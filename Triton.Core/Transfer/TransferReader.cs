using System.Text;
using System.Text.Json;

namespace Triton.Core.Transfer;

/// <summary>A .triton file's entities as read, recipients only counted (they stream again when applied).</summary>
public sealed class TransferContents
{
    public required HeaderLine Header { get; init; }
    public List<GroupLine> Groups { get; } = [];
    public List<CategoryLine> Categories { get; } = [];
    public List<TemplateLine> Templates { get; } = [];
    public List<ListLine> Lists { get; } = [];
    public Dictionary<string, long> RecipientCounts { get; } = new(StringComparer.Ordinal);
    public List<ContractLine> Contracts { get; } = [];
    public List<TriggerLine> Triggers { get; } = [];
    public List<CampaignLine> Campaigns { get; } = [];
}

/// <summary>Reads the lines of a sealed .triton file, checking its format, version and completeness.</summary>
public static class TransferReader
{
    /// <exception cref="TransferFileException">The file cannot be opened or is not a complete version 1 document.</exception>
    public static async Task<TransferContents> ReadAsync(Stream file, string key, CancellationToken cancellationToken) =>
        (await ReadLinesAsync(file, key, null, cancellationToken))!;

    /// <summary>Streams the recipient lines to <paramref name="recipients"/>, in file order.</summary>
    public static Task StreamRecipientsAsync(Stream file, string key, Func<RecipientLine, Task> recipients, CancellationToken cancellationToken) =>
        ReadLinesAsync(file, key, recipients, cancellationToken);

    private static async Task<TransferContents?> ReadLinesAsync(Stream file, string key, Func<RecipientLine, Task>? recipients, CancellationToken ct)
    {
        await using var opened = TransferCipher.Open(file, key);
        using var reader = new StreamReader(opened, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 16384);
        TransferContents? contents = null;
        long count = 0;
        var ended = false;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            count++;
            if (ended) throw Malformed("lines after the end line");
            JsonElement line;
            string? type;
            try
            {
                using var document = JsonDocument.Parse(text);
                line = document.RootElement.Clone();
                type = line.GetProperty("type").GetString();
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw Malformed($"line {count} is not a JSON object with a type");
            }
            if (contents is null)
            {
                var header = type == "header" ? Deserialize<HeaderLine>(line, count) : throw Malformed("no header line");
                if (header.Format != TransferDocument.Format) throw Malformed("not a Triton document");
                if (header.Version != TransferDocument.Version)
                    throw new TransferFileException($"This file holds document version {header.Version}; this Triton reads version {TransferDocument.Version}.");
                contents = new TransferContents { Header = header };
                continue;
            }
            switch (type)
            {
                case "group": contents.Groups.Add(Deserialize<GroupLine>(line, count)); break;
                case "category": contents.Categories.Add(Deserialize<CategoryLine>(line, count)); break;
                case "template": contents.Templates.Add(Deserialize<TemplateLine>(line, count)); break;
                case "list": contents.Lists.Add(Deserialize<ListLine>(line, count)); break;
                case "recipient":
                    var recipient = Deserialize<RecipientLine>(line, count);
                    contents.RecipientCounts[recipient.List] = contents.RecipientCounts.GetValueOrDefault(recipient.List) + 1;
                    if (recipients is not null) await recipients(recipient);
                    break;
                case "contract": contents.Contracts.Add(Deserialize<ContractLine>(line, count)); break;
                case "trigger": contents.Triggers.Add(Deserialize<TriggerLine>(line, count)); break;
                case "campaign": contents.Campaigns.Add(Deserialize<CampaignLine>(line, count)); break;
                case "end":
                    if (Deserialize<EndLine>(line, count).Lines != count) throw Malformed("the line count does not match");
                    ended = true;
                    break;
                default: throw Malformed($"line {count} has an unknown type '{type}'");
            }
        }
        if (contents is null || !ended) throw Malformed("the document is incomplete");
        return contents;
    }

    private static T Deserialize<T>(JsonElement line, long number)
    {
        try
        {
            return line.Deserialize<T>(TransferDocument.Json) ?? throw Malformed($"line {number} is empty");
        }
        catch (JsonException exception)
        {
            throw Malformed($"line {number}: {exception.Message}");
        }
    }

    private static TransferFileException Malformed(string what) => new($"The file's document is not valid: {what}.");
}
