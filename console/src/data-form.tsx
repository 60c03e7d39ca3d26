import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';

/**
 * An outcome's data as a form generated from its JSON Schema (react-jsonschema-form). Loaded only
 * when a task has such an outcome: it is most of the console's code. The ops API validates the
 * data and names any field it refuses; that is shown on the field (`errors`). The form does not
 * validate in the browser, so the page needs no script evaluation (the CSP forbids it).
 */
export function DataForm(props: {
  schema: RJSFSchema;
  data: Record<string, unknown>;
  errors: Record<string, { __errors: string[] }>;
  onChange: (data: Record<string, unknown>) => void;
}) {
  return (
    <Form
      tagName="div"
      schema={props.schema}
      validator={validator}
      formData={props.data}
      noValidate
      showErrorList={false}
      extraErrors={props.errors as never}
      uiSchema={{ 'ui:submitButtonOptions': { norender: true } }}
      onChange={(e: { formData?: Record<string, unknown> }) => props.onChange(e.formData ?? {})}
    />
  );
}
