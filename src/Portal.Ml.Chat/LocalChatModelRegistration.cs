using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Chat.Generators;

namespace Portal.Ml.Chat;

public static class LocalChatModelRegistration
{
    /// <summary>
    /// The in-process chat model behind the <c>local</c> generator, configured by <c>Ml:ChatModel</c> and validated at
    /// start-up. With <c>BaseModel</c> empty (the default) the node has no local model and the generator answers 501.
    /// </summary>
    public static IServiceCollection AddPortalLocalChatModel(this IServiceCollection services)
    {
        services.AddOptions<LocalChatModelOptions>().BindConfiguration(LocalChatModelOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.IsInstalled || File.Exists(Path.Combine(o.BaseModel, "config.json")),
                "Ml:ChatModel:BaseModel must be a Hugging Face Qwen2/Llama directory with a config.json.")
            .Validate(o => string.IsNullOrWhiteSpace(o.AdaptersDirectory) || Directory.Exists(o.AdaptersDirectory),
                "Ml:ChatModel:AdaptersDirectory must be an existing directory.")
            .ValidateOnStart();
        services.AddSingleton<InProcessChatModel>();
        services.AddSingleton<ILocalChatModel>(sp => sp.GetRequiredService<InProcessChatModel>());
        services.AddHostedService<LocalChatModelWarmUp>();
        return services;
    }
}

/// <summary>Loads the configured model at start-up, so a broken model directory stops the node and the first question does not wait.</summary>
internal sealed class LocalChatModelWarmUp(InProcessChatModel model, IOptions<LocalChatModelOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.IsInstalled ? Task.Run(() => model.Server, cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
