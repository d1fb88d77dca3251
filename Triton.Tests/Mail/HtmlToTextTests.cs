using Triton.Core.Mail.Mime;

namespace Triton.Tests.Mail;

/// <summary>The text alternative derived from HTML, against hand-written expectations.</summary>
public sealed class HtmlToTextTests
{
    [Theory]
    [InlineData("<p>Hello <b>Ada</b>,</p><p>news.</p>", "Hello Ada,\n\nnews.")]
    [InlineData("<html><head><title>T</title><style>p{color:red}</style><meta charset=\"utf-8\"></head><body><p>Body</p></body></html>", "Body")]
    [InlineData("<p>a<br>b<br/>c</p>", "a\nb\nc")]
    [InlineData("<ul><li>one</li><li>two</li></ul>", "- one\n- two")]
    [InlineData("<p>Read <a href=\"https://x.test/a?b=1&amp;c=2\">the story</a> now</p>", "Read the story (https://x.test/a?b=1&c=2) now")]
    [InlineData("<a href='https://x.test/'>https://x.test/</a>", "https://x.test/")]
    [InlineData("<a href=https://x.test/img><img src=x.png alt=''></a>", "https://x.test/img")]
    [InlineData("<a href=\"#top\">Top</a>", "Top")]
    [InlineData("<table><tr><td>SKU</td><td>Qty</td></tr><tr><td>A-1</td><td>2</td></tr></table>", "SKU Qty\n\nA-1 2")]
    [InlineData("<p>5 &lt; 6 &amp;&nbsp;caf&eacute; &#8364;1</p>", "5 < 6 &\u00A0café €1")]
    [InlineData("<p>a <!-- hidden <p>x</p> --> b</p>", "a b")]
    [InlineData("<script>if (a < b) { x = \"</p>\"; }</script><p>after</p>", "after")]
    [InlineData("<p>1 < 2 and  spaces\n\n collapse</p>", "1 < 2 and spaces collapse")]
    [InlineData("<div title=\"a > b\">quoted > in attribute</div>", "quoted > in attribute")]
    [InlineData("<!DOCTYPE html><P>Upper</P><DIV>case</DIV>", "Upper\n\ncase")]
    [InlineData("plain text only", "plain text only")]
    [InlineData("", "")]
    public void Converts(string html, string expected) => Assert.Equal(expected, HtmlToText.Convert(html));
}
