using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting.Internal;

/// <summary>Turns Frosting task classes into Cake engine tasks, the way Cake.Frosting does.</summary>
internal static class TaskRegistrar
{
    public static void Register(ICakeEngine engine, IFrostingContext context, IEnumerable<IFrostingTask> tasks, ICakeLog log)
    {
        foreach (var task in tasks)
        {
            Register(engine, context, task, log);
        }
    }

    private static void Register(ICakeEngine engine, IFrostingContext context, IFrostingTask task, ICakeLog log)
    {
        var type = task.GetType();
        var name = TaskDiscovery.NameOf(type);
        log.Debug("Registering task: {0}", name);

        // Cake.Frosting leaves out (with a warning) a task whose context the build's context cannot be cast to.
        var contextType = ContextTypeOf(type);
        if (!contextType.IsInstanceOfType(context))
        {
            log.Warning("Task cannot be used since the context isn't convertible to {0}.", contextType.FullName);
            return;
        }

        var builder = engine.RegisterTask(name);
        if (type.GetCustomAttribute<TaskDescriptionAttribute>() is { Description: { } description } && !string.IsNullOrWhiteSpace(description))
        {
            builder.Description(description);
        }

        if (OverridesBody(type, contextType))
        {
            builder.Does(task.RunAsync);
        }

        if (Overrides(type, nameof(IFrostingTask.ShouldRun), contextType))
        {
            builder.WithCriteria(task.ShouldRun, task.SkippedMessage);
        }

        if (type.GetCustomAttribute<ContinueOnErrorAttribute>() is not null)
        {
            builder.ContinueOnError();
        }

        if (Overrides(type, nameof(IFrostingTask.OnError), typeof(Exception), contextType))
        {
            builder.OnError(exception => task.OnError(exception, context));
        }

        if (Overrides(type, nameof(IFrostingTask.Finally), contextType))
        {
            builder.Finally(() => task.Finally(context));
        }

        foreach (var dependency in type.GetCustomAttributes<IsDependentOnAttribute>())
        {
            builder.IsDependentOn(NameOfTask(dependency.Task, "dependency"));
        }

        foreach (var dependee in type.GetCustomAttributes<IsDependeeOfAttribute>())
        {
            builder.IsDependeeOf(NameOfTask(dependee.Task, "reverse dependency"));
        }
    }

    /// <summary>
    /// The <c>T</c> of the <see cref="FrostingTask{T}"/> or <see cref="AsyncFrostingTask{T}"/> the task derives from
    /// (through any number of base classes), else <see cref="ICakeContext"/>.
    /// </summary>
    public static Type ContextTypeOf(Type task) =>
        TaskBaseOf(task)?.GenericTypeArguments[0] ?? typeof(ICakeContext);

    private static Type TaskBaseOf(Type task)
    {
        for (var type = task; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
                && (definition == typeof(FrostingTask<>) || definition == typeof(AsyncFrostingTask<>)))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Whether the task overrides its body; Cake.Frosting only runs tasks derived from its two base classes.</summary>
    private static bool OverridesBody(Type type, Type contextType) =>
        TaskBaseOf(type)?.GetGenericTypeDefinition() switch
        {
            { } definition when definition == typeof(FrostingTask<>) => Overrides(type, nameof(FrostingTask.Run), contextType),
            { } => Overrides(type, nameof(AsyncFrostingTask.RunAsync), contextType),
            null => throw new InvalidOperationException(
                $"This method expects all {nameof(IFrostingTask)} to be instances of {nameof(FrostingTask)} or {nameof(AsyncFrostingTask)}."),
        };

    private static string NameOfTask(Type task, string relation)
    {
        var name = TaskDiscovery.NameOf(task);
        return typeof(IFrostingTask).IsAssignableFrom(task)
            ? name
            : throw new FrostingException($"The {relation} '{name}' is not a valid task.");
    }

    /// <summary>True when <paramref name="type"/> overrides the virtual method its task base class declares.</summary>
    private static bool Overrides(Type type, string method, params Type[] parameters)
    {
        var found = type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, parameters);
        return found is not null && found.DeclaringType != found.GetBaseDefinition().DeclaringType;
    }
}
