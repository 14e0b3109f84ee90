using System.Reflection;
using ConnCheck.Checks.Model;
using ConnCheck.Checks.Types;

namespace ConnCheck.Tests.Units;

/// <summary>
/// The check engine and its model can be used without the actor runtime: nothing ConnCheck.Checks
/// loads, directly or through what it references, is Akka or DotNetty.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void The_check_assembly_closure_holds_no_actor_runtime()
    {
        var closure = Closure(typeof(CheckSpec).Assembly);

        Assert.Contains("ConnCheck.Checks", closure);
        Assert.Contains("Npgsql", closure);
        Assert.DoesNotContain(closure, name => name.StartsWith("Akka", StringComparison.OrdinalIgnoreCase) || name.StartsWith("DotNetty", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("ConnCheck.Protocol", closure);
    }

    [Fact]
    public void The_model_and_the_types_share_the_engine_assembly()
    {
        // The registry sits with the types; the model is below both, in the same assembly.
        Assert.Same(typeof(CheckSpec).Assembly, typeof(CheckTypes).Assembly);
        Assert.Equal(15, CheckTypes.Default.Types.Count);
    }

    private static HashSet<string> Closure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.GetName().Name! };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                // Framework assemblies are not walked: they never reference the application's packages.
                if (!seen.Add(reference.Name!) || reference.Name!.StartsWith("System", StringComparison.Ordinal) || reference.Name == "netstandard" || reference.Name == "mscorlib")
                {
                    continue;
                }

                pending.Enqueue(Assembly.Load(reference));
            }
        }

        return seen;
    }
}
