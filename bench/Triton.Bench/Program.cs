// Triton's benchmark program: see docs/BENCHMARKS.md for the scenarios and how to run them.
using Triton.Bench;

var scenario = args.Length > 0 ? args[0] : "";
var size = args.Length > 1 ? int.Parse(args[1]) : 0;
var variant = args.Length > 2 ? args[2] : "";
Console.WriteLine($"# {DateTime.UtcNow:u} scenario={scenario} size={size} variant={variant} cores={Environment.ProcessorCount}");
switch (scenario)
{
    case "engine":
        await EngineBench.RunAsync(size > 0 ? size : 1_000_000, variant is "" ? "instant" : variant);
        break;
    case "render":
        RenderBench.Run(size > 0 ? size : 100_000);
        break;
    default:
        Console.WriteLine("usage: dotnet run -c Release --project bench/Triton.Bench -- engine [size] [instant|pickup] | render [count]");
        return 1;
}
Console.WriteLine($"peak resident memory: {Measure.PeakMegabytes()} MB");
return 0;
