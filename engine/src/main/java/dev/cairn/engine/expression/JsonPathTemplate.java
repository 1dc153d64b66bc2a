package dev.cairn.engine.expression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.PayloadTemplate;

/** A JSONPath state's payload template (e.g. its Assign) seen as an {@link Expression}. */
public record JsonPathTemplate(PayloadTemplate template) implements Expression {
  @Override
  public JsonNode evaluate(EvaluationContext context) {
    return template.evaluate(context);
  }

  @Override
  public JsonNode source() {
    return template.template();
  }
}
