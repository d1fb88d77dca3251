using System.Net.Mail;
using Triton.Core.Lists;

namespace Triton.Tests.Lists;

/// <summary>
/// The quick path for plain addresses must agree with the full parse (System.Net.Mail) on every
/// address: same verdict, for the plain shapes it takes and for the odd ones it hands over.
/// </summary>
public sealed class EmailAddressesTests
{
    public static TheoryData<string> Addresses() =>
    [
        "user@example.com", "User.Name+tag@Mail.Example.COM", "first_last@example.co.uk", "a@b.c", "1@2.3",
        "x-y@sub-domain.example.com", "under_score@ex-ample.org", new string('a', 64) + "@example.com",
        new string('a', 65) + "@example.com", "user@" + new string('d', 63) + ".com", "user@" + new string('d', 64) + ".com",
        "-lead@example.com", "trail-@example.com", "user@-lead.com", "user@trail-.com", "a..b@example.com",
        ".a@example.com", "a.@example.com", "user@example..com", "user@.example.com", "user@example.com.",
        "o'brien@example.com", "a!#$%&*/=?^`{|}~@example.com", "\"quoted local\"@example.com", "user@[127.0.0.1]",
        "user@localhost", "user@@example.com", "@example.com", "user@", "Ann <ann@example.com>", "ann@exämple.com",
        "änn@example.com", "user(comment)@example.com", "user@example.com(comment)", "a@b@example.com",
        "user@exa_mple.com", "user+@example.com", "+user@example.com", "user@123.456.789.0",
    ];

    [Theory]
    [MemberData(nameof(Addresses))]
    public void The_quick_path_agrees_with_the_full_parse(string address)
    {
        // The rules before the quick path existed: no white space, a dot after the last @, then the full parse.
        var at = address.LastIndexOf('@');
        var full = !address.Any(char.IsWhiteSpace) && at >= 1 && at < address.Length - 1 && address[(at + 1)..].Contains('.')
            && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && parsed.DisplayName.Length == 0;
        Assert.Equal(full, EmailAddresses.IsValid(address));
    }
}
