/**
 * The application's ECS side of a stack environment: the migration as a one-off ECS task on Fargate
 * ({@link dev.cairn.aws.ecs.EcsStackTasks}), and the bake's checks of the load balancer's targets
 * and CloudWatch alarms ({@link dev.cairn.aws.ecs.AwsStackHealth}).
 */
package dev.cairn.aws.ecs;
