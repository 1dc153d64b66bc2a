/** Secrets in AWS Secrets Manager: {@link dev.cairn.aws.secrets.SecretsManagerSecretStore}. */
package dev.cairn.aws.secrets;
