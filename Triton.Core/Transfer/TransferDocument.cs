using System.Text.Json;
using System.Text.Json.Serialization;

namespace Triton.Core.Transfer;

/// <summary>The "Triton:TransferKey" secret lives in <see cref="TritonOptions"/>; what can be exported.</summary>
public enum TransferKind { Campaign, List, Template, Trigger, Contract, Category, Groups }

/// <summary>
/// The document inside a .triton file, version 1: JSON lines, one object each, its "type" first. A header
/// line, then the entities, each before whatever refers to it (groups, categories, templates, lists with
/// their recipients, contracts, triggers, campaigns), then an end line with the count. Everything refers
/// to everything else by name, never by id; transports are named only (their settings and secrets stay
/// on their instance). JSON lines let a list's recipients stream through without the file in memory.
/// </summary>
public static class TransferDocument
{
    public const string Format = "triton";
    public const int Version = 1;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };
}

public sealed record HeaderLine(string Type, string Format, int Version, string Kind, string Name, DateTimeOffset ExportedAt, bool Recipients);

public sealed record GroupLine(string Type, string Name, string Scope);

public sealed record CategoryLine(string Type, string Name, string? Description, string? Group);

public sealed record TemplateLine(string Type, string Name, string Body, string? TextBody, string? Description, string? Group, bool InlineCss);

public sealed record ListLine(string Type, string Name, string? Description, string? Group, IReadOnlyList<string> Columns);

public sealed record RecipientLine(string Type, string List, string Email, string? UserId, JsonElement Fields);

public sealed record ContractVariableLine(string Name, JsonElement TestValue, string? Description, bool Required);

public sealed record ContractLine(string Type, string Name, string? Description, bool Strict, IReadOnlyList<ContractVariableLine> Variables);

public sealed record TriggerLine(string Type, string Name, string? Description, string? Group, string Contract, string Template, string Transport,
    string? Category, IReadOnlyList<string> Subjects, string SubjectMode, string FromAddress, string? FromName,
    IReadOnlyDictionary<string, string> CustomHeaders, JsonElement CustomVariables, bool Active);

public sealed record CampaignLine(string Type, string Name, string? Description, string? Group, string Template, string List, string Transport,
    string? Category, IReadOnlyList<string> Subjects, string SubjectMode, string FromAddress, string? FromName,
    IReadOnlyDictionary<string, string> CustomHeaders, JsonElement CustomVariables, int Concurrency, int? MaxStartDelayMinutes);

public sealed record EndLine(string Type, long Lines);
