using System.Text;

namespace Triton.Bench;

/// <summary>One newsletter the SMTP scenario sends: its template, subject and campaign variables.</summary>
public sealed record NewsletterSample(string Name, string Markup, string Subject, string Variables);

/// <summary>
/// A realistic newsletter of about 20 KB: a style sheet the CSS inliner applies once at compile, ten
/// variables (email, user_id, first_name, last_name, city, plan from the recipient; brand, issue,
/// month, year from the campaign) and a loop over ten stories (a campaign variable). Two variants for
/// the SMTP scenario: a sloppy one (hundreds of substitutions, unclosed paragraphs, long lines) and a
/// small plain one.
/// </summary>
public static class Newsletter
{
    public static readonly string[] Columns = ["first_name", "last_name", "city", "plan"];

    public static string Subject => "{{brand}} #{{issue}}: news for {{first_name}}";

    /// <summary>The three newsletters of the SMTP scenario, the realistic one first.</summary>
    public static IReadOnlyList<NewsletterSample> Samples() =>
    [
        new("newsletter", Markup(), Subject, Variables()),
        new("sloppy", SloppyMarkup(), Subject, Variables()),
        new("plain", PlainMarkup(), "News for {{first_name}}", """{"brand":"Triton News"}"""),
    ];

    /// <summary>The campaign's custom variables: four scalars and the stories of the loop.</summary>
    public static string Variables()
    {
        var items = Enumerable.Range(1, 10).Select(i =>
            $$"""{"title":"Story {{i}}","url":"https://example.test/s/{{i}}","summary":"What happened in story {{i}} this week."}""");
        return $$"""{"brand":"Triton News","issue":"42","month":"November","year":"2026","items":[{{string.Join(",", items)}}]}""";
    }

    private const string StyleSheet = """
        <style>
        body { margin: 0; padding: 0; background: #f4f4f4; font-family: Helvetica, Arial, sans-serif; }
        table.wrap { width: 100%; background: #f4f4f4; }
        td.content { width: 600px; background: #ffffff; padding: 24px; }
        h1 { font-size: 28px; color: #111111; margin: 0 0 12px 0; }
        h2 { font-size: 20px; color: #222222; margin: 24px 0 8px 0; }
        p { font-size: 15px; line-height: 22px; color: #444444; margin: 0 0 12px 0; }
        a { color: #0066cc; text-decoration: none; }
        .story { border-bottom: 1px solid #eeeeee; padding: 12px 0; }
        .cta { display: inline-block; background: #0066cc; color: #ffffff; padding: 10px 18px; border-radius: 4px; }
        .footer p { font-size: 12px; color: #888888; }
        </style>
        """;

    public static string Markup()
    {
        var html = new StringBuilder();
        html.Append($$$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>{{brand}} #{{issue}}</title>
            {{{StyleSheet}}}</head><body>
            <table class="wrap" role="presentation"><tr><td align="center"><table role="presentation"><tr><td class="content">
            <h1>{{brand}} — issue {{issue}}, {{month}} {{year}}</h1>
            <p>Hello {{first_name}} {{last_name}}, here is what happened this month near {{city}} and in your {{plan}} plan.</p>
            """);
        // Editorial body: static paragraphs make up most of a real newsletter's weight.
        for (var section = 1; html.Length < 7_000; section++)
            html.Append($"""
                <h2>Section {section}: notes from the team</h2>
                <p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. Integer nec odio praesent libero, sed cursus ante dapibus diam.
                Sed nisi, nulla quis sem at nibh elementum imperdiet. Duis sagittis ipsum, praesent mauris, fusce nec tellus sed augue semper porta.</p>
                <p>Mauris massa, vestibulum lacinia arcu eget nulla. Class aptent taciti sociosqu ad litora torquent per conubia nostra.
                <a href="https://example.test/section/{section}">Read more</a></p>
                """);
        html.Append(Stories);
        return html.ToString();
    }

    private const string Stories = """
        <h2>This week's stories</h2>
        {{#each items}}<div class="story"><h2><a href="{{url}}">{{title}}</a></h2><p>{{summary}}</p></div>{{/each}}
        <p><a class="cta" href="https://example.test/account?u={{user_id}}">Open your account</a></p>
        <div class="footer"><p>Sent to {{email}} by {{brand}}. <a href="https://example.test/unsubscribe?u={{user_id}}">Unsubscribe</a>.</p></div>
        </td></tr></table></td></tr></table></body></html>
        """;

    /// <summary>
    /// The newsletter as a careless editor writes it: about 300 substitutions of the recipient's fields, paragraphs
    /// never closed, and each section on one line of about 1,500 characters (no line breaks in the source).
    /// </summary>
    public static string SloppyMarkup()
    {
        var html = new StringBuilder();
        html.Append($$$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>{{brand}} #{{issue}}</title>
            {{{StyleSheet}}}</head><body>
            <table class="wrap" role="presentation"><tr><td align="center"><table role="presentation"><tr><td class="content">
            <h1>{{brand}} — issue {{issue}}, {{month}} {{year}}</h1>
            <p>Hello {{first_name}} {{last_name}}, here is what happened this month near {{city}} and in your {{plan}} plan.

            """);
        for (var section = 1; section <= 12; section++)
        {
            html.Append($"<h2>Section {section} for {{{{first_name}}}} in {{{{city}}}}</h2>");
            for (var paragraph = 1; paragraph <= 3; paragraph++)
                html.Append($"<p>Dear {{{{first_name}}}} {{{{last_name}}}}, lorem ipsum dolor sit amet near {{{{city}}}}, consectetur adipiscing elit; ")
                    .Append("your {{plan}} plan at {{brand}} gives {{first_name}} more this {{month}}. Integer nec odio praesent libero, sed cursus ")
                    .Append("ante dapibus diam, {{first_name}}. Sed nisi, nulla quis sem at nibh elementum imperdiet in {{city}}. ")
                    .Append($"<a href=\"https://example.test/section/{section}?u={{{{user_id}}}}&amp;p={paragraph}\">Read more, {{{{first_name}}}}</a> ");
            html.Append('\n');
        }
        html.Append(Stories);
        return html.ToString();
    }

    /// <summary>A short plain announcement: no style sheet, three variables, one link.</summary>
    public static string PlainMarkup() => """
        <html><body>
        <p>Hello {{first_name}},</p>
        <p>Your {{plan}} plan renews next month. Nothing changes for you in {{city}}: the price and the features stay as they are.</p>
        <p>Questions? Reply to this message or read the <a href="https://example.test/help">help pages</a>.</p>
        <p>{{brand}}</p>
        </body></html>
        """;
}
