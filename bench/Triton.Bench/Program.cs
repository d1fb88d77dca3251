// Triton's benchmark program: see docs/BENCHMARKS.md for the scenarios and how to run them.
using Triton.Bench;

var scenario = args.Length > 0 ? args[0] : "";
int Arg(int index, int fallback) => args.Length > index && int.TryParse(args[index], out var value) && value > 0 ? value : fallback;
Console.WriteLine($"# {DateTime.UtcNow:u} scenario={scenario} args=[{string.Join(' ', args.Skip(1))}] cores={Environment.ProcessorCount} load average {File.ReadAllText("/proc/loadavg").Trim()}");
switch (scenario)
{
    case "engine":
        await EngineBench.RunAsync(Arg(1, 1_000_000), args.Length > 2 ? args[2] : "instant");
        break;
    case "render":
        await RenderBench.RunAsync(Arg(1, 100_000));
        break;
    case "smtp":
        await SmtpBench.RunAsync(Arg(1, 100_000), Arg(2, 8), Arg(3, 2_000));
        break;
    case "smtp-transport":
        await SmtpBench.TransportOnlyAsync(Arg(1, 20_000), Arg(2, 8), Arg(3, 1));
        break;
    case "csv":
        await CsvBench.RunAsync(Arg(1, 1_000_000));
        break;
    case "web":
        await WebBench.RunAsync(Arg(1, 200_000), Arg(2, 50));
        break;
    case "pages":
        await PagesBench.RunAsync(Arg(1, 100_000), Arg(2, 50), Arg(3, 50), args.Length > 4 ? args[4] : "all");
        break;
    case "scaleout":
        await ScaleOutBench.RunAsync(Arg(1, 100_000), Arg(2, 3), Arg(3, 1));
        break;
    case "scaleout-worker":
        await ScaleOutBench.WorkerAsync(args[1]);
        return 0;
    case "events":
        await EventsBench.RunAsync(Arg(1, 20_000), Arg(2, 100_000), args.Length > 3 && args[3] == "accept");
        break;
    case "opens":
        await OpensBench.RunAsync(Arg(1, 200_000), Arg(2, 50_000), Arg(3, 300_000));
        break;
    default:
        Console.WriteLine("""
            usage: dotnet bench/Triton.Bench/bin/Release/net10.0/Triton.Bench.dll SCENARIO [ARGS]
              engine [recipients=1000000] [instant|pickup]
              render [renders=100000]
              smtp   [messages=100000] [pool=8] [System.Net.Mail messages=2000]
              smtp-transport [messages=20000] [pool=8] [rounds=1]   the SMTP transport alone, the 23 KB newsletter
              csv    [rows=1000000]
              web    [recipients=200000] [hub clients=50]
              events [events=20000] [campaign recipients=100000] [accept: the acceptance rate only]
              scaleout [recipients=100000] [processes=3] [from=1]   (PostgreSQL: needs TRITON_BENCH_POSTGRES)
              opens  [opens=200000] [burst=50000] [campaign recipients=300000]
              pages  [recipients=100000] [open pages=50] [browser samples=50] [all|latency|push|throughput|send|quiet]
            """);
        return 1;
}
Console.WriteLine($"# done; load average {File.ReadAllText("/proc/loadavg").Trim()}; peak resident memory of the last phase: {Measure.PeakMegabytes()} MB");
return 0;
