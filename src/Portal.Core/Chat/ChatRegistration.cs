using Microsoft.Extensions.DependencyInjection;
using Portal.Chat.Generators;
using Portal.Curation;
using Portal.Outbound;

namespace Portal.Chat;

public static class ChatRegistration
{
    /// <summary>
    /// Chat with citations: the chat service, its generators (extractive, OpenAI-compatible, local) and settings. The
    /// local generator answers with an <see cref="ILocalChatModel"/> when the host registers one (Portal.Ml.Chat's
    /// <c>AddPortalLocalChatModel</c>), else 501.
    /// </summary>
    public static IServiceCollection AddPortalChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration("Chat").ValidateDataAnnotations()
            .Validate(o => o.GeneratorConnectTimeoutSeconds <= o.GeneratorTotalTimeoutSeconds,
                "Chat:GeneratorConnectTimeoutSeconds must not exceed Chat:GeneratorTotalTimeoutSeconds.")
            .ValidateOnStart();
        // The base URL is the tenant's: its calls go through the guarded outbound client.
        services.AddPortalOutbound();
        services.AddSingleton<GeneratorSecrets>();
        services.AddSingleton<IAnswerGenerator, ExtractiveGenerator>();
        services.AddSingleton<OpenAiCompatibleGenerator>();
        services.AddSingleton<IAnswerGenerator>(sp => sp.GetRequiredService<OpenAiCompatibleGenerator>());
        services.AddSingleton<IAnswerGenerator, LocalModelGenerator>();
        services.AddScoped<GeneratorResolver>();
        services.AddScoped<CuratedAnswers>();
        services.AddScoped<ChatStore>();
        services.AddScoped<IChatService, ChatService>();
        services.AddScoped<ChatSettingsService>();
        services.AddScoped<TenantAdapterService>();
        return services;
    }

    /// <summary>Curated QA pairs: CRUD, import/export and their "Curated answers" chunks.</summary>
    public static IServiceCollection AddPortalCuration(this IServiceCollection services)
    {
        services.AddScoped<QaIndexing>();
        services.AddScoped<QaPairService>();
        return services;
    }
}
