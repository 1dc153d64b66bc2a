/**
 * Release images on AWS: {@link dev.cairn.aws.codebuild.CodeBuildImages}, the {@code
 * ContainerImages} port on the repository's CodeBuild project and ECR repository, and the small
 * {@link dev.cairn.aws.codebuild.CodeBuildClient} it starts and follows builds with.
 */
package dev.cairn.aws.codebuild;
