using MimeKit;
using Triton.Core.Bounces;

namespace Triton.Tests.Bounces;

/// <summary>The bounce parser on real-looking reports: DSN hard and soft, and the plain-text formats.</summary>
public sealed class BounceParserTests
{
    private const string Token = "AbCdEfGhIjKlMnOpQrStUvWx-_12";
    private const string Verp = "bounces+" + Token + "@triton.test";

    private static BounceReport? Parse(string text) =>
        BounceParser.Parse(MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")))), "bounces", "triton.test");

    [Fact]
    public void A_postfix_dsn_is_a_hard_bounce_with_its_recipient_token_and_original_message_id()
    {
        var report = Parse(BounceSamples.PostfixDsn(Verp, "gone@example.org", "orig-1@triton.test"));

        Assert.NotNull(report);
        Assert.Equal(BounceKind.Hard, report.Kind);
        Assert.Equal("gone@example.org", report.Recipient);
        Assert.Equal("5.1.1", report.Status);
        Assert.Contains("User unknown", report.Diagnostic);
        Assert.Equal([Token], report.Tokens);
        Assert.Equal("orig-1@triton.test", report.OriginalMessageId);
    }

    [Fact]
    public void A_delayed_dsn_is_a_soft_bounce()
    {
        var report = Parse(BounceSamples.DelayedDsn(Verp, "slow@example.org"));

        Assert.NotNull(report);
        Assert.Equal(BounceKind.Soft, report.Kind);
        Assert.Equal("4.4.1", report.Status);
        Assert.Equal("slow@example.org", report.Recipient);
    }

    [Fact]
    public void An_exim_bounce_is_hard_with_the_failed_address_and_the_token_of_its_return_path()
    {
        var report = Parse(BounceSamples.EximBounce(Verp, "nobody@example.org"));

        Assert.NotNull(report);
        Assert.Equal(BounceKind.Hard, report.Kind);
        Assert.Equal("nobody@example.org", report.Recipient);
        Assert.Equal("5.1.1", report.Status);
        Assert.Equal([Token], report.Tokens);
    }

    [Fact]
    public void A_qmail_bounce_without_an_enhanced_code_is_hard_by_its_smtp_code()
    {
        var report = Parse(BounceSamples.QmailBounce("missing@example.org"));

        Assert.NotNull(report);
        Assert.Equal(BounceKind.Hard, report.Kind);
        Assert.Equal("missing@example.org", report.Recipient);
        Assert.Equal("550", report.Status);
        Assert.Empty(report.Tokens);
    }

    [Fact]
    public void An_exchange_like_report_is_hard_with_its_recipient()
    {
        var report = Parse(BounceSamples.ExchangeBounce("left@contoso.example"));

        Assert.NotNull(report);
        Assert.Equal(BounceKind.Hard, report.Kind);
        Assert.Equal("left@contoso.example", report.Recipient);
        Assert.Equal("5.1.1", report.Status);
    }

    [Fact]
    public void An_out_of_office_reply_and_an_unsubscribe_mail_are_not_bounces()
    {
        Assert.Null(Parse(BounceSamples.AutoReply(Verp)));
        Assert.Null(Parse(BounceSamples.UnsubscribeMail(Verp, "reader@example.org")));
    }
}
