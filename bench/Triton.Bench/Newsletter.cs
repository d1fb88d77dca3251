using System.Text;

namespace Triton.Bench;

/// <summary>
/// A realistic newsletter of about 20 KB: a style sheet the CSS inliner applies once at compile, ten
/// variables (email, user_id, first_name, last_name, city, plan from the recipient; brand, issue,
/// month, year from the campaign) and a loop over ten stories (a campaign variable).
/// </summary>
public static class Newsletter
{
    public static readonly string[] Columns = ["first_name", "last_name", "city", "plan"];

    public static string Subject => "{{brand}} #{{issue}}: news for {{first_name}}";

    /// <summary>The campaign's custom variables: four scalars and the stories of the loop.</summary>
    public static string Variables()
    {
        var items = Enumerable.Range(1, 10).Select(i =>
            $$"""{"title":"Story {{i}}","url":"https://example.test/s/{{i}}","summary":"What happened in story {{i}} this week."}""");
        return $$"""{"brand":"Triton News","issue":"42","month":"November","year":"2026","items":[{{string.Join(",", items)}}]}""";
    }

    public static string Markup()
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>{{brand}} #{{issue}}</title>
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
            </style></head><body>
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
        html.Append("""
            <h2>This week's stories</h2>
            {{#each items}}<div class="story"><h2><a href="{{url}}">{{title}}</a></h2><p>{{summary}}</p></div>{{/each}}
            <p><a class="cta" href="https://example.test/account?u={{user_id}}">Open your account</a></p>
            <div class="footer"><p>Sent to {{email}} by {{brand}}. <a href="https://example.test/unsubscribe?u={{user_id}}">Unsubscribe</a>.</p></div>
            </td></tr></table></td></tr></table></body></html>
            """);
        return html.ToString();
    }
}
