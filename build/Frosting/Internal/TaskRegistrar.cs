using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting.Internal;

/// <summary>Turns Frosting task classes into Cake engine tasks.</summary>
internal static class TaskRegistrar
{
    public static void Register(ICakeEngine engine, IFrostingContext context, IEnumerable<IFrostingTask> tasks, ICakeLog log)
    {
        foreach (var task in tasks)
        {
            var type = task.GetType();
            var name = TaskDiscovery.NameOf(type);
            if (!task.ContextType.IsInstanceOfType(context))
            {
                throw new FrostingException(
                    $"Task '{name}' expects a {task.ContextType.Name} context but the build's context is a {context.GetType().Name}; " +
                    $"register it with UseContext<{task.ContextType.Name}>().");
            }

            log.Debug("Registering task: {0}", name);
            var builder = engine.RegisterTask(name);
            if (type.GetCustomAttribute<TaskDescriptionAttribute>() is { } description)
            {
                builder.Description(description.Description);
            }

            var contextType = task.ContextType;
            if (Overrides(type, "Run", contextType) || Overrides(type, "RunAsync", contextType))
            {
                builder.Does(task.RunAsync);
            }

            if (Overrides(type, "ShouldRun", contextType))
            {
                builder.WithCriteria(task.ShouldRun);
            }

            if (type.GetCustomAttribute<ContinueOnErrorAttribute>() is not null)
            {
                builder.ContinueOnError();
            }

            if (Overrides(type, "OnError", typeof(Exception), contextType))
            {
                builder.OnError((Action<Exception, ICakeContext>)((exception, ctx) => task.OnError(exception, ctx)));
            }

            if (Overrides(type, "Finally", contextType))
            {
                builder.Finally((Action<ICakeContext>)task.Finally);
            }

            foreach (var dependency in type.GetCustomAttributes<IsDependentOnAttribute>())
            {
                builder.IsDependentOn(NameOfTask(dependency.Task, name));
            }

            foreach (var dependee in type.GetCustomAttributes<IsDependeeOfAttribute>())
            {
                builder.IsDependeeOf(NameOfTask(dependee.Task, name));
            }
        }
    }

    private static string NameOfTask(Type task, string referencedBy) =>
        typeof(IFrostingTask).IsAssignableFrom(task)
            ? TaskDiscovery.NameOf(task)
            : throw new FrostingException($"Task '{referencedBy}' names '{task.Name}' as a dependency, but it is not a task.");

    /// <summary>True when <paramref name="type"/> overrides the virtual method the task base class declares.</summary>
    private static bool Overrides(Type type, string method, params Type[] parameters)
    {
        var found = type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, parameters);
        return found is not null && found.DeclaringType != found.GetBaseDefinition().DeclaringType;
    }
}
