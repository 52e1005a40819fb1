using System.Reflection;
using Build.Infrastructure;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>The build arguments a task's work reads, besides those its <see cref="ArgumentScope"/> gives it (the services file's overrides, --allow-context).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TaskArgumentsAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}

/// <summary>The task reads the services file (so a mistake in it stops the run in Setup, before any task).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UsesServicesFileAttribute : Attribute;

/// <summary>The task changes the cluster (so Setup refuses a kube context that is not the minikube profile's unless allowed).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ChangesClusterAttribute : Attribute;

/// <summary>A task that says, for <c>--dryrun</c>, what it would do (one line or a few, each starting with its name).</summary>
public interface IPlannedTask
{
    IEnumerable<string> DescribePlan(BuildContext context);
}

/// <summary>What one task declares about itself on its class: the Default target's help, the dry-run plan and the run's intent are made from these.</summary>
public sealed record TaskFacts(string Name, Type Type, string Description, IReadOnlyList<string> Arguments, bool UsesServicesFile, bool ChangesCluster)
{
    /// <summary>The tasks this one depends on ([IsDependentOn]), by name.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    /// <summary>Every task of the build, from its class.</summary>
    public static IReadOnlyList<TaskFacts> All { get; } = typeof(TaskFacts).Assembly.GetTypes()
        .Where(t => typeof(IFrostingTask).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<TaskNameAttribute>() is not null)
        .Select(t => new TaskFacts(
            t.GetCustomAttribute<TaskNameAttribute>()!.Name,
            t,
            t.GetCustomAttribute<TaskDescriptionAttribute>()?.Description ?? "",
            t.GetCustomAttribute<TaskArgumentsAttribute>()?.Names ?? [],
            t.GetCustomAttribute<UsesServicesFileAttribute>() is not null,
            t.GetCustomAttribute<ChangesClusterAttribute>() is not null)
        {
            Dependencies = t.GetCustomAttributes<IsDependentOnAttribute>().Select(d => d.Task.GetCustomAttribute<TaskNameAttribute>()!.Name).ToList(),
        })
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    public static TaskFacts Of(string name) => All.Single(t => t.Name == name);

    /// <summary>The tasks a run of <paramref name="target"/> executes, dependencies first (as Cake orders them).</summary>
    public static IReadOnlyList<string> Closure(string target)
    {
        var order = new List<string>();
        void Visit(string name)
        {
            if (order.Contains(name))
            {
                return;
            }

            foreach (var dependency in Of(name).Dependencies)
            {
                Visit(dependency);
            }

            order.Add(name);
        }

        Visit(target);
        return order;
    }

    /// <summary>True when the task's work reads <paramref name="argument"/>: declared, or given by the argument's scope.</summary>
    public bool Reads(ArgumentSpec argument) => argument.Scope switch
    {
        ArgumentScope.ServicesFile => UsesServicesFile || Arguments.Contains(argument.Name),
        ArgumentScope.ClusterChange => ChangesCluster || Arguments.Contains(argument.Name),
        _ => Arguments.Contains(argument.Name),
    };

    /// <summary>The dry-run lines of the task, if it has any.</summary>
    public IEnumerable<string> DescribePlan(BuildContext context) =>
        Activator.CreateInstance(Type) is IPlannedTask planned ? planned.DescribePlan(context) : [];
}
