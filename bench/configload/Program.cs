using System.Diagnostics;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;

// conn-check-configload FILE [LOADS]: loads FILE LOADS times in one process. Each round parses the
// YAML alone (YamlTree.Load), then loads the whole config (parse and reading of the checks); "read"
// is the difference. Round 1 pays for JIT and tier-0 code; later rounds are closer to the work
// itself. Times are wall and CPU of this process; bytes are those this thread allocated.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: conn-check-configload FILE [LOADS]");
    return 2;
}

var loads = args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
var bytes = File.ReadAllBytes(args[0]);
using var self = Process.GetCurrentProcess();
Console.WriteLine("load  parse_ms  parse_cpu  load_ms  load_cpu  read_ms  parse_kib  load_kib  checks");
for (var n = 1; n <= loads; n++)
{
    var (parseWall, parseCpu, parseBytes, _) = Measure(() => YamlTree.Load(bytes, args[0]));
    var (loadWall, loadCpu, loadBytes, config) = Measure(() => new ConfigLoader(CheckTypes.Default, EnvInterpolation.FromProcess).Load(bytes, args[0]));
    Console.WriteLine($"{n,4}  {parseWall,8:0.0}  {parseCpu,9:0}  {loadWall,7:0.0}  {loadCpu,8:0}  {loadWall - parseWall,7:0.0}  {parseBytes >> 10,9}  {loadBytes >> 10,8}  {((ConnCheckConfig)config!).Checks.Count,6}");
}

return 0;

(double Wall, double Cpu, long Bytes, object? Result) Measure(Func<object?> work)
{
    self.Refresh();
    var cpu = self.TotalProcessorTime;
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    var result = work();
    var wall = watch.Elapsed.TotalMilliseconds;
    var bytesNow = GC.GetAllocatedBytesForCurrentThread();
    self.Refresh();
    return (wall, (self.TotalProcessorTime - cpu).TotalMilliseconds, bytesNow - allocated, result);
}
