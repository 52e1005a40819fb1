using System.Reflection;
using System.Reflection.Emit;
using Build.Infrastructure;
using Build.Tasks;
using Xunit;

namespace Build.Tests.Tasks;

/// <summary>What a task declares about itself is true: it reads the arguments it declares, and no others.</summary>
public sealed class TaskFactsTests
{
    /// <summary>Every IL opcode by its value (initialised before <see cref="Reads"/>, which uses it).</summary>
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every read of a parsed argument (a getter of a <see cref="BuildSettings"/> property marked [Argument]) in the build's code, by the type that makes it.</summary>
    private static readonly IReadOnlyList<(Type Reader, ArgumentSpec Argument)> Reads = FindReads();

    [Fact]
    public void Every_task_declares_the_arguments_its_code_reads()
    {
        var undeclared = Reads
            .Where(read => TaskFacts.All.FirstOrDefault(t => t.Type == read.Reader) is { } task && !task.Reads(read.Argument))
            .Select(read => $"{read.Reader.Name} reads --{read.Argument.Name}")
            .Distinct()
            .ToList();

        Assert.True(undeclared.Count == 0, "Declare these with [TaskArguments(...)] (or the scope's attribute): " + string.Join("; ", undeclared));
    }

    [Fact]
    public void Outside_the_tasks_only_the_services_files_overrides_and_the_context_guard_are_read()
    {
        var strays = Reads
            .Where(read => TaskFacts.All.All(t => t.Type != read.Reader) && read.Argument.Scope == ArgumentScope.Task)
            .Select(read => $"{read.Reader.Name} reads --{read.Argument.Name}")
            .Distinct()
            .ToList();

        Assert.True(strays.Count == 0, "Only tasks read their own arguments (pass the value to helpers): " + string.Join("; ", strays));
    }

    [Fact]
    public void The_scan_sees_the_reads_it_must_see()
    {
        // Without this, a scan that found nothing would let the two tests above pass.
        Assert.Contains(Reads, read => read.Reader == typeof(Rollout) && read.Argument.Name == ArgumentNames.RolloutTimeout);
        Assert.Contains(Reads, read => read.Reader == typeof(DockerBuild) && read.Argument.Name == ArgumentNames.Parallel);
        Assert.Contains(Reads, read => read.Reader == typeof(ClusterLock) && read.Argument.Name == ArgumentNames.LockTimeout);
    }

    [Fact]
    public void Every_declared_argument_exists_and_every_task_argument_has_a_reader()
    {
        var known = Arguments.All.Select(a => a.Name).ToHashSet();
        Assert.All(TaskFacts.All.SelectMany(t => t.Arguments), name => Assert.Contains(name, known));
        Assert.All(Arguments.All.Where(a => a.Scope == ArgumentScope.Task), argument => Assert.Contains(TaskFacts.All, task => task.Arguments.Contains(argument.Name)));
    }

    [Fact]
    public void A_run_of_redeploy_is_the_documented_chain()
    {
        Assert.Equal(
            ["CredsFallback", "ClusterLock", "Preflight", "ImageDelivery", "DockerBuild", "MinikubeImageLoad", "Rollout", "PruneImages", "Redeploy"],
            TaskFacts.Closure(nameof(Redeploy)));
        var intent = RunIntent.Of(nameof(Redeploy));
        Assert.True(intent.DeliversImages && intent.ChangesCluster && intent.UsesServicesFile && intent.ReadsDeploymentsFirst);
        Assert.False(RunIntent.Of(nameof(DockerBuild)).DeliversImages);
        Assert.False(RunIntent.Of(nameof(Deploy)).ReadsDeploymentsFirst);
    }

    private static List<(Type, ArgumentSpec)> FindReads()
    {
        var getters = typeof(BuildSettings).GetProperties()
            .Where(p => p.GetCustomAttribute<ArgumentAttribute>() is not null)
            .ToDictionary(p => p.GetMethod!, p => Arguments.For(p.GetCustomAttribute<ArgumentAttribute>()!.Name));
        var reads = new List<(Type, ArgumentSpec)>();
        foreach (var type in typeof(BuildContext).Assembly.GetTypes().Where(t => Outermost(t) != typeof(BuildSettings)))
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                foreach (var called in CalledMethods(method))
                {
                    if (getters.TryGetValue(called, out var argument))
                    {
                        reads.Add((Outermost(type), argument));
                    }
                }
            }
        }

        return reads;
    }

    /// <summary>The top-level type a nested one (a lambda's closure, an async state machine) belongs to.</summary>
    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>The methods a method's IL calls (call, callvirt, newobj, ldftn), decoded with the opcode table.</summary>
    private static IEnumerable<MethodInfo> CalledMethods(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        for (var at = 0; at < il.Length;)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            var size = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
            if (opCode.OperandType == OperandType.InlineMethod)
            {
                MethodBase? target = null;
                try
                {
                    target = method.Module.ResolveMethod(BitConverter.ToInt32(il, at),
                        method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                        method.IsGenericMethod ? method.GetGenericArguments() : null);
                }
                catch (ArgumentException)
                {
                }

                if (target is MethodInfo info)
                {
                    yield return info;
                }
            }

            at += size;
        }
    }
}
