using System.Text.Json;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Tests.Triggers;

public sealed class EventPayloadCheckTests
{
    private static EventContract Contract(bool strict) => new()
    {
        Name = "OrderShipped",
        Strict = strict,
        Variables =
        [
            new ContractVariable { Name = "orderId", TestValue = "\"A-1\"" },
            new ContractVariable { Name = "total", TestValue = "12.5" },
            new ContractVariable { Name = "express", TestValue = "true", Required = false },
            new ContractVariable { Name = "address", TestValue = """{"city":"Oslo","zip":{"code":"0150"}}""" },
            new ContractVariable { Name = "items", TestValue = """[{"sku":"x","qty":1}]""" },
            new ContractVariable { Name = "note", TestValue = "null", Required = false },
        ],
    };

    private static Dictionary<string, string[]> Check(bool strict, string recipient, string variables)
    {
        using var r = JsonDocument.Parse(recipient);
        using var v = JsonDocument.Parse(variables);
        return EventPayloadCheck.Check(Contract(strict), r.RootElement, v.RootElement);
    }

    private const string Good = """
        {"orderId":"B-7","total":3,"address":{"city":"Bergen","zip":{"code":"5003"}},"items":[{"sku":"a","qty":2}],"note":[1]}
        """;

    [Fact]
    public void A_payload_of_the_contracts_shape_passes()
    {
        Assert.Empty(Check(strict: true, """{"email":"a@example.com"}""", Good));
    }

    [Fact]
    public void Every_missing_required_variable_and_a_bad_address_are_named_at_once()
    {
        var errors = Check(strict: false, """{"email":"not an address"}""", """{"total":1}""");
        Assert.Equal(["address", "items", "orderId", "recipient.email"],
            errors.Keys.Select(k => k.Replace("variables.", "")).Order().ToList());
        Assert.DoesNotContain("variables.express", errors.Keys);
    }

    [Fact]
    public void A_strict_contract_names_each_mistyped_value_nested_ones_included()
    {
        var errors = Check(strict: true, """{"email":"a@example.com"}""", """
            {"orderId":7,"total":"3","express":"yes","address":{"city":"Bergen","zip":{"code":5003}},"items":[{"sku":"a","qty":"2"}, 4]}
            """);
        Assert.Contains("Expected a string", errors["variables.orderId"][0]);
        Assert.Contains("Expected a number", errors["variables.total"][0]);
        Assert.Contains("Expected a boolean", errors["variables.express"][0]);
        Assert.Contains("Expected a string", errors["variables.address.zip.code"][0]);
        Assert.Contains("Expected a number", errors["variables.items[0].qty"][0]);
        Assert.Contains("Expected an object", errors["variables.items[1]"][0]);
        Assert.Equal(6, errors.Count);
    }

    [Fact]
    public void A_loose_contract_takes_any_type_but_still_wants_required_variables()
    {
        Assert.Empty(Check(strict: false, """{"email":"a@example.com"}""", """{"orderId":7,"total":"x","address":1,"items":"none"}"""));
        var missingNested = Check(strict: true, """{"email":"a@example.com"}""", """
            {"orderId":"B","total":1,"address":{"city":"Bergen"},"items":[]}
            """);
        Assert.Equal(["variables.address.zip"], missingNested.Keys.ToList());
    }
}
