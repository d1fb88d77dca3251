namespace Triton.Bench;
public static class WebBench { public static Task RunAsync(int size, int clients) => throw new NotImplementedException(); }
