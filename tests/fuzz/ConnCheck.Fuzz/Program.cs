using ConnCheck.Tests.Fuzz;
using SharpFuzz;

Action<byte[]>? target = args is ["config"] ? FuzzTargets.Config : args is ["wire"] ? FuzzTargets.Wire : null;
if (target is null)
{
    Console.Error.WriteLine("usage: ConnCheck.Fuzz config|wire   (run under afl-fuzz by tests/fuzz/run.sh)");
    return 2;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
