package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.ServiceProvisioner;
import dev.cairn.pipeline.port.StackDeployer;
import dev.cairn.pipeline.port.StackHealth;
import dev.cairn.pipeline.port.StackTasks;
import java.util.Objects;

/**
 * Where an environment's releases run: processes Cairn starts and switches itself (the local loop,
 * or the runner in process mode), or a stack the cloud deploys (a CloudFormation stack on AWS).
 */
public sealed interface DeployTarget {

  /**
   * Releases are processes behind the environment's proxy.
   *
   * @param deployer starts, checks, switches and stops releases
   * @param services provisions the environment's services (PostgreSQL, Redis), or null when this
   *     driver has none (environments that declare services then fail with a clear message)
   */
  record Processes(Deployer deployer, ServiceProvisioner services) implements DeployTarget {
    /** Requires the deployer. */
    public Processes {
      Objects.requireNonNull(deployer, "deployer");
    }
  }

  /**
   * Each environment is a stack, {@code <stackPrefix><environment>}, deployed from the template its
   * {@code aws.template} names in the commit (see {@code docs/aws.md}): {@code apply} deploys the
   * commit's template with the parameters {@value #COMMIT_PARAMETER}, {@value #ARTIFACT_PARAMETER},
   * {@value #IMAGE_PARAMETER} and {@value #MIGRATION_IMAGE_PARAMETER} (those the template
   * declares), running {@code migrate} as a task of the stack in between; {@code verify} watches
   * the target group and alarms the stack's outputs name; {@code rollback} deploys the last good
   * commit's template with its artifact and image.
   *
   * @param deployer deploys a template to a stack and reads its outputs
   * @param stackPrefix the stacks' name prefix, e.g. {@code notes-}
   * @param imageRepository the repository of the release images (on AWS: the ECR repository's URI),
   *     or null when releases are no images
   * @param tasks runs the migration as a task of the stack, or null when this driver cannot (a
   *     {@code migrate} then fails the deployment)
   * @param health what the bake watches, or null when this driver cannot (the bake is then the
   *     deployment's own wait)
   */
  record Stack(
      StackDeployer deployer,
      String stackPrefix,
      String imageRepository,
      StackTasks tasks,
      StackHealth health)
      implements DeployTarget {
    /** The template parameter that receives the commit. */
    public static final String COMMIT_PARAMETER = "CairnCommit";

    /** The template parameter that receives the artifact digest. */
    public static final String ARTIFACT_PARAMETER = "CairnArtifact";

    /**
     * The template parameter that receives the image the service runs ({@code
     * <repository>@sha256:<hex>}; empty when none yet).
     */
    public static final String IMAGE_PARAMETER = "CairnImage";

    /** The template parameter that receives the image the migration task runs (empty: none). */
    public static final String MIGRATION_IMAGE_PARAMETER = "CairnMigrationImage";

    /** The output naming the cluster the migration task runs in. */
    public static final String CLUSTER_OUTPUT = "CairnCluster";

    /** The output naming the migration's task definition. */
    public static final String MIGRATION_TASK_DEFINITION_OUTPUT = "CairnMigrationTaskDefinition";

    /** The output naming the container of the migration's task definition. */
    public static final String MIGRATION_CONTAINER_OUTPUT = "CairnMigrationContainer";

    /** The output listing the task's subnets (comma-separated). */
    public static final String SUBNETS_OUTPUT = "CairnSubnets";

    /** The output listing the task's security groups (comma-separated). */
    public static final String SECURITY_GROUPS_OUTPUT = "CairnSecurityGroups";

    /** The output naming the target group (ARN) the bake watches. */
    public static final String TARGET_GROUP_OUTPUT = "CairnTargetGroup";

    /** The output listing the alarms the bake watches (comma-separated names). */
    public static final String ALARMS_OUTPUT = "CairnAlarms";

    /** Requires the deployer and the prefix. */
    public Stack {
      Objects.requireNonNull(deployer, "deployer");
      Objects.requireNonNull(stackPrefix, "stackPrefix");
      imageRepository =
          imageRepository == null || imageRepository.isBlank() ? null : imageRepository;
    }

    /** A stack target without images, tasks or health checks (e.g. the functions' plan). */
    public Stack(StackDeployer deployer, String stackPrefix) {
      this(deployer, stackPrefix, null, null, null);
    }

    /** The stack of an environment. */
    public String stackName(String environment) {
      return stackPrefix + environment;
    }

    /**
     * The image an artifact runs as, for {@value #IMAGE_PARAMETER}: {@code
     * <imageRepository>@sha256:<hex>} for an image artifact ({@code image:sha256:<hex>}), empty for
     * any other (or none).
     */
    public String image(String artifact) {
      if (!StepSupport.isImage(artifact)) {
        return "";
      }
      if (imageRepository == null) {
        throw new StepFailure(
            CairnError.INVALID_JOB,
            "the release is an image, and this runner knows no image repository to name it by"
                + " (CAIRN_IMAGE_REPOSITORY is not set)");
      }
      return imageRepository + "@" + artifact.substring(StepSupport.IMAGE_PREFIX.length());
    }
  }
}
