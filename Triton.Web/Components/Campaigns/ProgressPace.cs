using Microsoft.Extensions.Options;
using Triton.Core.Sending;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// How often each open page takes a progress push. A push costs the server about the same for every page
/// however little it changes (Blazor's render batch, its send over the circuit and the browser's
/// acknowledgement), so the open pages share a budget of pushes a second (<see cref="SendingOptions.PagePushesPerSecond"/>):
/// a page alone takes one every <see cref="SendingOptions.ProgressMilliseconds"/>, and with many open each
/// takes fewer, so fifty pages cost the campaign they watch about what a few do. Changes of state are not
/// paced (<see cref="ProgressWatch"/> hands them at once).
/// </summary>
public sealed class ProgressPace(IOptions<SendingOptions> options)
{
    private int open;

    /// <summary>The watches open now.</summary>
    public int Open => Volatile.Read(ref open);

    /// <summary>The interval at which each open watch hands its changes now.</summary>
    public TimeSpan Interval
    {
        get
        {
            var fastest = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.ProgressMilliseconds));
            var budget = options.Value.PagePushesPerSecond;
            if (budget <= 0) return fastest;
            var shared = TimeSpan.FromSeconds((double)Math.Max(1, Open) / budget);
            return shared > fastest ? shared : fastest;
        }
    }

    /// <summary>A watch opens: it counts against the budget until the returned handle is disposed.</summary>
    public IDisposable Join()
    {
        Interlocked.Increment(ref open);
        return new Member(this);
    }

    private sealed class Member(ProgressPace pace) : IDisposable
    {
        private int left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref left, 1) == 0) Interlocked.Decrement(ref pace.open);
        }
    }
}
