export { composeStack, StackOutputs } from "./compose";
