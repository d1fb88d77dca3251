using Microsoft.Extensions.Options;
using Triton.Core.Domain;
using Triton.Core.Tracking;
using Triton.Tests.Mail;

namespace Triton.Tests.Tracking;

/// <summary>The compose-time pass over a message's HTML, the token payload and the machine rule, without a database.</summary>
public sealed class LinkRewritingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TokenKey OpenKey = new(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly TokenKey ClickKey = new(Enumerable.Repeat((byte)2, 32).ToArray());

    private static MessageMarks Marks() =>
        new MessageTracker("https://t.example", OpenKey, ClickKey, TrackedSource.Campaign, 7, 3, new FixedTimeProvider(Now)).For(42, "u-42");

    private static string? ClickTarget(string html, int index = 0)
    {
        var at = -1;
        for (var i = 0; i <= index; i++) at = html.IndexOf("https://t.example/t/c/", at + 1, StringComparison.Ordinal);
        if (at < 0) return null;
        var start = at + "https://t.example/t/c/".Length;
        var end = html.IndexOfAny(['"', '\'', ' ', '>'], start);
        var payload = ClickKey.Open(html[start..end]);
        return payload is null ? null : TrackingPayload.Read(payload, withUrl: true)?.Url;
    }

    [Fact]
    public void Links_are_rewritten_in_one_pass_and_the_pixel_goes_before_the_body_ends()
    {
        var html = Marks().Apply("""
            <html><BODY><!-- <a href="https://hidden.example/">x</a> -->
            <A title="a > b" HREF = "https://example.org/p?a=1&amp;b=2">one</A>
            <a href=http://example.org/bare>two</a><area shape="rect" href='https://example.org/map'>
            <a href="mailto:x@example.org">m</a><a href="#top">t</a><a href="ftp://example.org/f">f</a>
            <a href="https://t.example/u/unsubscribe-token">u</a><abbr href="https://example.org/not-a-link">a</abbr>
            <a name="nohref">n</a></body></html>
            """, pixelPlaced: false);

        Assert.Equal("https://example.org/p?a=1&b=2", ClickTarget(html, 0));
        Assert.Equal("http://example.org/bare", ClickTarget(html, 1));
        Assert.Equal("https://example.org/map", ClickTarget(html, 2));
        Assert.Null(ClickTarget(html, 3));
        Assert.Contains("<!-- <a href=\"https://hidden.example/\">x</a> -->", html);
        Assert.Contains("title=\"a > b\"", html);
        foreach (var kept in new[] { "mailto:x@example.org", "#top", "ftp://example.org/f", "https://t.example/u/unsubscribe-token", "https://example.org/not-a-link" })
            Assert.Contains(kept, html);
        var pixel = html.IndexOf("<img src=\"https://t.example/t/o/", StringComparison.Ordinal);
        Assert.True(pixel > 0 && pixel < html.IndexOf("</body>", StringComparison.Ordinal), html);
    }

    [Fact]
    public void The_pixel_goes_at_the_end_without_a_body_and_nowhere_when_the_template_placed_it()
    {
        var marks = Marks();
        Assert.EndsWith(".gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;width:1px;height:1px\" />",
            marks.Apply("<p>Hi</p>", pixelPlaced: false));
        Assert.Equal("<p>Hi</p>", marks.Apply("<p>Hi</p>", pixelPlaced: true));
        var token = marks.PixelUrl["https://t.example/t/o/".Length..^".gif".Length];
        var payload = TrackingPayload.Read(OpenKey.Open(token)!, withUrl: false);
        Assert.Equal(new TrackingPayload(TrackedSource.Campaign, 7, 42, 3, Now.ToUnixTimeSeconds(), "u-42", null), payload);
        Assert.Null(ClickKey.Open(token));
    }

    [Fact]
    public void Payloads_that_are_not_one_do_not_read()
    {
        var bytes = new TrackingPayload(TrackedSource.Trigger, 1, 2, 3, 4, "é", "https://x.example/").ToBytes();
        Assert.Equal("https://x.example/", TrackingPayload.Read(bytes, withUrl: true)?.Url);
        Assert.Null(TrackingPayload.Read(bytes, withUrl: false));
        Assert.Null(TrackingPayload.Read(bytes[..5], withUrl: true));
        Assert.Null(TrackingPayload.Read([], withUrl: false));
        Assert.Null(TrackingPayload.Read([9, 0, 1, 2, 3, 4, 0], withUrl: false));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)", 3600, false)]
    [InlineData("Mozilla/5.0", 3600, true)]
    [InlineData("", 3600, true)]
    [InlineData("Mozilla/5.0 (compatible; Barracuda Sentinel)", 3600, true)]
    [InlineData("python-requests/2.31", 3600, true)]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", 2, true)]
    public void Machines_are_told_by_their_agent_or_by_fetching_on_arrival(string agent, int secondsAfterComposing, bool machine)
    {
        var rule = new MachineFetches(Options.Create(new TrackingOptions { MachineWindowSeconds = 5 }), new FixedTimeProvider(Now));
        Assert.Equal(machine, rule.IsMachine(agent, Now.ToUnixTimeSeconds() - secondsAfterComposing));
    }
}
