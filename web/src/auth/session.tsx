// Who is signed in: the token for this tab and the user it belongs to.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, getToken, setToken, unwrap, type Schemas } from "../api/client";

export type User = Schemas["UserOut"];

interface Session {
  token: string | null;
  user: User | undefined;
  loading: boolean;
  signIn: (token: string) => void;
  signOut: () => void;
}

const SessionContext = createContext<Session | null>(null);

/** Provide the session to the app; clears it when the API says the token is no longer valid. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setState] = useState<string | null>(getToken());
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ["me", token],
    queryFn: () => unwrap(api.GET("/api/v1/users/me")),
    enabled: token !== null,
    retry: false,
  });

  const signIn = useCallback((value: string) => {
    setToken(value);
    setState(value);
  }, []);
  const signOut = useCallback(() => {
    setToken(null);
    setState(null);
    queryClient.clear();
  }, [queryClient]);

  useEffect(() => {
    const onSignedOut = () => setState(null);
    window.addEventListener("crmflow:signed-out", onSignedOut);
    return () => window.removeEventListener("crmflow:signed-out", onSignedOut);
  }, []);

  const value: Session = {
    token,
    user: me.data,
    loading: token !== null && me.isPending,
    signIn,
    signOut,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Read the session (inside SessionProvider). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
