/**
 * The deploy workflow's GitHub deployments: `npm run deployment` writes them, the delivery
 * metrics read them. They carry their own task so that they are told apart from the deployments
 * GitHub Actions makes by itself for jobs that name an `environment:`.
 */
export const DEPLOY_TASK = "deploy:pulumi";
