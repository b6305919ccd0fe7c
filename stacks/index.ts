export { composeStack, appServiceNames, githubEnvironmentOf, StackOutputs } from "./compose";
